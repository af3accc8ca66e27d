/** Fossify Messages / Simple SMS Messenger JSON: the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';

export const fossifyFormat = defineFormat({
  id: 'fossify',
  label: 'Fossify Messages / Simple SMS Messenger JSON export (also before 5.19: one object per conversation)',
  recognisedBy: '`[` whose first element has `backupType` (or `[]`); before Simple SMS Messenger 5.19, `[` whose first element is `{"sms": [`... or `{"mms": [`... (one per conversation)',
  carries: ['sms', 'mms'],
  cannot: 'calls, contacts',
  recognise: (s) => {
    if (s.container === 'zip' || s.container === 'ssef') return false;
    const text = textStart(s.head);
    if (!text.startsWith('[')) return false;
    const body = text.slice(1).trimStart();
    if (body.startsWith(']')) return true;
    // Simple SMS Messenger before 5.19: one object per conversation, `{"sms": [...], "mms": [...]}`.
    if (/^\{\s*"(sms|mms)"\s*:\s*\[/.test(body)) return true;
    return body.startsWith('{') && /"backupType"\s*:/.test(body.slice(0, 8192));
  },
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'fossify', units: await (await import('./unit.js')).fossifyUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
  writer: { id: 'fossify', label: 'Fossify Messages (JSON)', help: 'fossify (Fossify Messages JSON)', target: 'files' },
});
