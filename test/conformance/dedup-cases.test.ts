/**
 * Every expected outcome of the third-party dedup cases (samples.ts; see their README), strict and
 * with options: the same checks test/vault/dedup.test.ts makes on the project's own cases.
 */
import { describe } from 'vitest';
import { dedupCases } from '../helpers/dedup-cases.js';
import { DEDUP_SAMPLES, noSamples, sample } from './samples.js';

describe.skipIf(noSamples())('third-party dedup cases', () => {
  dedupCases(
    {
      multiFile: ['multi_file_part1.xml', 'multi_file_part2.xml'],
      multiFileWhitespace: ['multi_file_whitespace_part1.xml', 'multi_file_whitespace_part2.xml'],
      multipleDuplicates: 'multiple_duplicates.xml',
      differentSmil: 'different_smil_format.xml',
      missingCountryCode: 'missing_country_code.xml',
      alternateCountryCode: 'alternate_country_code.xml',
      similarTimestamps: 'similar_timestamps.xml',
      whitespaceDuplicates: 'whitespace_duplicates.xml',
      crossSmsMms: 'cross_sms_mms_duplicate.xml',
      utf16Surrogates: 'utf16_encoding.xml',
      utf16Corrected: 'utf16_encoding_corrected.xml',
      utf16Body: 'Some text content here 😂',
    },
    (name) => sample(DEDUP_SAMPLES, name),
  );
});
