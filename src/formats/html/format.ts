/** The offline HTML site and the PDF transcripts printed from its pages: written only; the descriptors (format.ts). */
import { defineFormat } from '../format.js';

export const htmlFormat = defineFormat({
  id: 'html',
  label: 'HTML: an offline site of the conversations, with media',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'every provider column (for reading, not restoring)',
  worker: false,
  writer: { id: 'html', label: 'HTML (web page, zipped)', help: 'html', target: 'files' },
});

export const pdfFormat = defineFormat({
  id: 'pdf',
  label: 'PDF: a transcript per conversation, with images',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'every provider column, media other than images (for reading, not restoring)',
  worker: false,
  writer: { id: 'pdf', label: 'PDF', help: 'pdf', target: 'files' },
});
