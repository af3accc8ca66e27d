/** QKSMS / QKSMS+ (and its forks) backup JSON: the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';

/**
 * True when `head` starts like a QKSMS backup: an object whose first member is `messageCount`
 * (what the app writes), or whose `messages` array starts with an element of the app's shape
 * (`dateSent` and `subId` or `locked`, the keys of its BackupMessage). Here, not in the reader,
 * so that detection loads no reader; SMS Import/Export's NDJSON rule asks it too, since a
 * one-line QKSMS file starts with `{` and provider-like keys as well.
 */
export function looksLikeQksms(head: Buffer): boolean {
  const text = textStart(head);
  if (!text.startsWith('{')) return false;
  if (/^\{\s*"messageCount"\s*:\s*-?\d/.test(text)) return true;
  const m = /^\{\s*"messages"\s*:\s*\[\s*\{/.exec(text);
  if (m === null) return false;
  const first = text.slice(m[0].length, m[0].length + 4096);
  return /"dateSent"\s*:/.test(first) && /"(subId|locked)"\s*:/.test(first);
}

export const qksmsFormat = defineFormat({
  id: 'qksms',
  label: 'QKSMS / QKSMS+ backup JSON (QKSMS/Backups/backup-*.json)',
  recognisedBy: 'text starting `{` whose first member is `"messageCount"` (or whose `"messages"` array starts with the app\'s keys `dateSent` and `subId`/`locked`; also gzip)',
  carries: ['sms'],
  cannot: 'MMS (the app writes them as rows with an empty body), calls, contacts, threads, contact names, backup date',
  recognise: (s) => (s.container === 'plain' || s.container === 'gzip') && looksLikeQksms(s.head),
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'qksms', units: await (await import('./unit.js')).qksmsUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
});
