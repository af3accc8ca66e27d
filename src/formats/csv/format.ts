/** CSV: written only (writer.ts); the descriptor (format.ts). */
import { defineFormat } from '../format.js';

export const csvFormat = defineFormat({
  id: 'csv',
  label: 'CSV (spreadsheet): messages.csv, calls.csv',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'media (listed by name), every provider column',
  worker: false,
  writer: { id: 'csv', label: 'CSV (spreadsheet)', help: 'csv', target: 'files' },
});
