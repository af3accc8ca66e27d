/** SMS Backup & Restore (SyncTech) XML: the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart, zipBaseNames, type Sniffed } from '../format.js';
import { isGoogleVoiceZip } from '../googlevoice/format.js';
import { isTitaniumXml } from '../titanium/format.js';

/** An XML root the SMS Backup & Restore reader reads. */
export function isSbrXml(head: Buffer): boolean {
  const text = textStart(head);
  return text.startsWith('<') && /<(smses|calls)[\s>/]/.test(text);
}

function recognise(s: Sniffed): boolean {
  if (s.container === 'zip') {
    // A ZIP of SMS Import/Export holds messages.ndjson; one of Super Backup's XML has its own root;
    // a Google Takeout with Voice may hold other products' XML beside Voice's pages; Titanium
    // Backup's has a <threads> root.
    if (s.zipNames.includes('messages.ndjson') || isGoogleVoiceZip(s) || !zipBaseNames(s).some((n) => /\.xml$/i.test(n))) return false;
    return s.zipXmlHead === undefined || (!/<(allsms|alllogs)[\s>/]/.test(textStart(s.zipXmlHead)) && !isTitaniumXml(s.zipXmlHead));
  }
  return s.container !== 'ssef' && isSbrXml(s.head);
}

export const sbrFormat = defineFormat({
  id: 'sbr',
  label: 'SMS Backup & Restore XML (sms-*.xml, calls-*.xml; also gzip or ZIP of them)',
  recognisedBy: 'text starting `<` with an `<smses` or `<calls` root (also gzip); a ZIP holding `*.xml` (one backup per entry)',
  carries: ['sms', 'mms', 'calls'],
  cannot: 'contacts (only a name per message)',
  recognise,
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'sbr', units: await (await import('./unit.js')).sbrUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
  writer: { id: 'sbr', label: 'SMS Backup & Restore XML', help: 'sbr (SMS Backup & Restore XML)', target: 'files' },
});
