/** Fossify Messages / Simple SMS Messenger JSON: the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';

export const fossifyFormat = defineFormat({
  id: 'fossify',
  label: 'Fossify Messages / Simple SMS Messenger JSON export',
  recognisedBy: '`[` whose first element has `backupType` (or `[]`)',
  carries: ['sms', 'mms'],
  cannot: 'calls, contacts',
  recognise: (s) => {
    if (s.container === 'zip' || s.container === 'ssef') return false;
    const text = textStart(s.head);
    if (!text.startsWith('[')) return false;
    const body = text.slice(1).trimStart();
    return body.startsWith(']') || (body.startsWith('{') && /"backupType"\s*:/.test(body.slice(0, 8192)));
  },
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'fossify', units: await (await import('./unit.js')).fossifyUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
  writer: { id: 'fossify', label: 'Fossify Messages (JSON)', help: 'fossify (Fossify Messages JSON)', target: 'files' },
});
