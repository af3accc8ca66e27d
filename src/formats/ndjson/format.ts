/** Textvault's own NDJSON export: the descriptor (format.ts); the reader is unit.ts, the writer writer.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat } from '../format.js';

/**
 * True when `head` (the first bytes of a file) starts like a Textvault NDJSON export. Here, not
 * in the reader, so that detecting a format loads none of the readers (the reader's schema: ~0.1 s).
 */
export function looksLikeNdjson(head: Buffer): boolean {
  const text = head.subarray(0, 256).toString('utf8').replace(/^\uFEFF/, '').trimStart();
  return /^\{\s*"type"\s*:\s*"header"\s*,\s*"schema"\s*:\s*"textvault-ndjson"/.test(text);
}

export const ndjsonFormat = defineFormat({
  id: 'textvault-ndjson',
  label: 'Textvault NDJSON export (textvault.ndjson + media/)',
  recognisedBy: 'a first line `{"type":"header","schema":"textvault-ndjson"` (also gzip)',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'contacts (only a name per message)',
  recognise: (s) => (s.container === 'plain' || s.container === 'gzip') && looksLikeNdjson(s.head),
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'textvault-ndjson', units: await (await import('./unit.js')).ndjsonUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
  writer: { id: 'ndjson', label: 'NDJSON', help: 'ndjson', target: 'files' },
});
