/** Titanium Backup "messages to XML": the descriptor (format.ts); the reader is unit.ts. */
import type { OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart } from '../format.js';

export const TITANIUM_NAMESPACE = 'http://www.titaniumtrack.com/ns/titanium-backup/messages';

/**
 * True when `head` starts like Titanium Backup's messages XML: a `<threads` root with the app's
 * namespace, or followed by a `<thread address=`. Here, not in the reader, so that detection
 * loads no reader.
 */
export function isTitaniumXml(head: Buffer): boolean {
  const text = textStart(head);
  if (!text.startsWith('<')) return false;
  const root = /<([A-Za-z_][\w.-]*:)?threads[\s>/]/.exec(text);
  if (root === null) return false;
  const rest = text.slice(root.index);
  return rest.includes('titaniumtrack.com/ns/titanium-backup/messages') || /<([A-Za-z_][\w.-]*:)?thread\s+address\s*=/.test(rest);
}

export const titaniumFormat = defineFormat({
  id: 'titanium',
  label: 'Titanium Backup messages XML (com.keramidas.virtual.XML_MESSAGES-*.xml; also gzip or a ZIP of them)',
  recognisedBy:
    'text starting `<` with a `<threads` root in the app\'s namespace (`titaniumtrack.com/ns/titanium-backup/messages`) or holding `<thread address=` (also gzip); a ZIP whose first `*.xml` entry is one',
  carries: ['sms', 'mms'],
  cannot: 'calls, contacts, contact names, backup date, SIM; MMS `date_sent` to the second',
  recognise: (s) => {
    if (s.container === 'zip') return s.zipXmlHead !== undefined && !s.zipNames.includes('messages.ndjson') && isTitaniumXml(s.zipXmlHead);
    return (s.container === 'plain' || s.container === 'gzip') && isTitaniumXml(s.head);
  },
  open: async (file, options): Promise<OpenedBackup> => ({ format: 'titanium', units: await (await import('./unit.js')).titaniumUnits(file, options.limits), dispose: () => undefined }),
  worker: true,
});
