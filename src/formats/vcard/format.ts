/** vCard contacts: the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';

export const vcardFormat = defineFormat({
  id: 'vcard',
  label: 'vCard contacts (.vcf, versions 2.1, 3.0, 4.0)',
  recognisedBy: '`BEGIN:VCARD` (also gzip)',
  carries: ['contacts'],
  cannot: 'messages, calls',
  recognise: (s) => (s.container === 'plain' || s.container === 'gzip') && /^BEGIN:VCARD\r?\n/i.test(textStart(s.head)),
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'vcard', units: await (await import('./unit.js')).vcardUnits(file, options.limits), dispose: () => undefined }),
  worker: false,
});
