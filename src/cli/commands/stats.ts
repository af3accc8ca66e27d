import type { Command } from 'commander';
import { formatBytes, formatCount, printJson, withVault, type GlobalOptions } from '../context.js';
import { countNoun } from '../../formats/plural.js';

export function registerStats(program: Command, globals: () => GlobalOptions): void {
  program
    .command('stats')
    .description('totals by kind, conversations, first and last date, long gaps without messages, top contacts')
    .option('--json', 'print as JSON')
    .option('--top <n>', 'how many top contacts', (v) => Number.parseInt(v, 10), 10)
    .action(async (opts: { json?: boolean; top: number }) => {
      const [{ vaultStats }, { gapText, LONG_GAP_MONTHS }] = await Promise.all([import('../../vault/stats.js'), import('../../vault/queries/month-gaps.js')]);
      const s = await withVault(globals(), false, (vault) => vaultStats(vault, opts.top));
      if (opts.json === true) {
        printJson(s);
        return;
      }
      const out = [
        `messages:      ${formatCount(s.sms + s.mms)} (${formatCount(s.sms)} SMS, ${formatCount(s.mms)} MMS)`,
        `calls:         ${formatCount(s.calls)}`,
        `conversations: ${formatCount(s.conversations)}`,
        `contacts:      ${formatCount(s.contacts)} named`,
        `media:         ${countNoun(s.media.blobs, 'file')}, ${formatBytes(s.media.bytes)}`,
        `span:          ${s.first ?? '-'} .. ${s.last ?? '-'}`,
        `backups:       ${formatCount(s.backups)} imported`,
      ];
      // Long gaps (LONG_GAP_MONTHS or more months without a message) are usually backups that never arrived.
      if (s.gaps.length > 0) {
        out.push(`gaps:          ${LONG_GAP_MONTHS} or more months without a message`);
        for (const g of s.gaps) out.push(`  ${gapText(g)}`);
      }
      if (s.topContacts.length > 0) {
        out.push('top contacts:');
        for (const c of s.topContacts) out.push(`  ${formatCount(c.messages).padStart(9)}  ${c.name ?? c.address}${c.name ? ` (${c.address})` : ''}`);
      }
      process.stdout.write(out.join('\n') + '\n');
    });
}
