/**
 * The owner's own number from a Takeout's `Voice/Phones.vcf`: one vCard listing the account's
 * Google Voice number (`item1.TEL:+1...` with `item1.X-ABLabel:Google Voice`) and the phones it
 * forwards to. The number labelled "Google Voice" is the owner's; without that label, the first
 * TEL. Each conversation page also carries the owner's number on their own messages ("Me").
 */
import { parseProperty, telValue } from '../vcard/parser.js';

/** Phones.vcf is a few hundred bytes; more is not that file. */
export const MAX_PHONES_BYTES = 1 << 20;

export function ownerNumber(vcf: string): string | undefined {
  // Folded lines (a leading space or tab continues the line before) are joined first.
  const lines = vcf.replace(/\r?\n[ \t]/g, '').split(/\r?\n/);
  const tels: { group: string; number: string }[] = [];
  const voiceGroups = new Set<string>();
  for (const line of lines) {
    const p = parseProperty(line);
    if (p === undefined) continue;
    const head = line.slice(0, line.search(/[;:]/));
    const group = head.includes('.') ? head.slice(0, head.lastIndexOf('.')).toLowerCase() : '';
    if (p.name === 'TEL') {
      const number = telValue(p.value);
      if (number !== '') tels.push({ group, number });
    } else if (p.name === 'X-ABLABEL' && group !== '' && /google\s*voice/i.test(p.value)) {
      voiceGroups.add(group);
    }
  }
  return (tels.find((t) => t.group !== '' && voiceGroups.has(t.group)) ?? tels[0])?.number;
}
