/**
 * Every duplicate-detection case of test/fixtures/dedup (see test/fixtures/README.md), strict and
 * with options. test/conformance/dedup-cases.test.ts checks the same outcomes on third-party samples.
 */
import { describe } from 'vitest';
import { dedupCases } from '../helpers/dedup-cases.js';
import { fixture } from '../helpers/temp.js';

describe('dedup fixtures', () => {
  dedupCases(
    {
      multiFile: ['multi-file-1.xml', 'multi-file-2.xml'],
      multiFileWhitespace: ['multi-file-whitespace-1.xml', 'multi-file-whitespace-2.xml'],
      multipleDuplicates: 'multiple-duplicates.xml',
      differentSmil: 'different-smil.xml',
      missingCountryCode: 'missing-country-code.xml',
      alternateCountryCode: 'alternate-country-code.xml',
      similarTimestamps: 'similar-timestamps.xml',
      whitespaceDuplicates: 'whitespace-duplicates.xml',
      crossSmsMms: 'cross-sms-mms.xml',
      utf16Surrogates: 'utf16-surrogates.xml',
      utf16Corrected: 'utf16-corrected.xml',
      utf16Body: 'Well done 🎉 👍',
    },
    (name) => fixture('dedup', name),
  );
});
