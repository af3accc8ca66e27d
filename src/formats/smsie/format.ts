/** SMS Import/Export: its four files' descriptors (format.ts); the readers are unit.ts and encrypted-unit.ts. */
import type { BackupUnit, OpenedBackup } from '../backup-unit.js';
import { defineFormat, textStart, type Sniffed } from '../format.js';
import { looksLikeNdjson } from '../ndjson/format.js';
import { looksLikeQksms } from '../qksms/format.js';

/** The "SSEF" 0x00 0xFF magic of SMS Import/Export's encrypted files. */
export const SSEF_MAGIC = Buffer.from([0x53, 0x53, 0x45, 0x46, 0x00, 0xff]);

const smsIe = () => import('./unit.js');

const opened = (format: OpenedBackup['format'], units: BackupUnit[]): OpenedBackup => ({ format, units, dispose: () => undefined });

/** The first element of a JSON array, as far as the head shows it; undefined when not an array of objects. */
export function firstArrayElement(s: Sniffed): string | undefined {
  if (s.container === 'zip' || s.container === 'ssef') return undefined;
  const text = textStart(s.head);
  if (!text.startsWith('[')) return undefined;
  const body = text.slice(1).trimStart();
  return body.startsWith('{') ? body.slice(0, 8192) : undefined;
}

function looksLikeMessageLine(text: string): boolean {
  const line = text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
  return /"(address|date|msg_box|__parts|type)"\s*:/.test(line);
}

function recogniseMessages(s: Sniffed): boolean {
  if (s.container === 'zip') return s.zipNames.includes('messages.ndjson');
  if (s.container === 'ssef') return false;
  const text = textStart(s.head);
  // Our own NDJSON export starts like a message line too; it announces itself in its first line.
  // So does a QKSMS backup written on one line (its object's first member is messageCount).
  return text.startsWith('{') && !looksLikeNdjson(s.head) && !looksLikeQksms(s.head) && looksLikeMessageLine(text);
}

export const smsIeFormat = defineFormat({
  id: 'sms-ie',
  label: 'SMS Import/Export messages ZIP (messages.ndjson + data/)',
  recognisedBy: 'a ZIP holding `messages.ndjson`; text starting `{` with provider columns on the first line (a bare `messages.ndjson`)',
  carries: ['sms', 'mms'],
  cannot: 'calls and contacts (their own files, below)',
  recognise: recogniseMessages,
  open: async (file, options): Promise<OpenedBackup> => {
    const { sniff } = await import('../container.js');
    const m = await smsIe();
    return opened('sms-ie', (await sniff(file)) === 'zip' ? await m.smsIeZipUnits(file, options.limits) : await m.smsIeNdjsonUnits(file, options.limits));
  },
  worker: true,
  writer: { id: 'sms-ie', label: 'SMS Import / Export (ZIP)', help: 'sms-ie (SMS Import/Export ZIP + calls JSON)', target: 'files' },
});

export const smsIeEncryptedFormat = defineFormat({
  id: 'sms-ie-encrypted',
  label: 'SMS Import/Export encrypted backup (.ssef)',
  recognisedBy: 'first bytes `SSEF` 0x00 0xFF; decrypted (`--passphrase-file`), then detected again',
  carries: ['sms', 'mms', 'calls', 'contacts'],
  recognise: (s) => s.container === 'ssef',
  open: async (file, options, openAs): Promise<OpenedBackup> => (await import('./encrypted-unit.js')).openEncryptedSmsIe(file, options, openAs),
  // A worker has no passphrase to decrypt it again.
  worker: false,
});

export const smsIeCallsFormat = defineFormat({
  id: 'sms-ie-calls',
  label: 'SMS Import/Export call log (calls-*.json)',
  recognisedBy: '`[` whose first element has `number` and `duration`',
  carries: ['calls'],
  recognise: (s) => {
    const first = firstArrayElement(s);
    return first !== undefined && !/"backupType"\s*:/.test(first) && !isContacts(first) && /"number"\s*:/.test(first) && /"duration"\s*:/.test(first);
  },
  open: async (file, options): Promise<OpenedBackup> => opened('sms-ie-calls', await (await smsIe()).smsIeCallsUnits(file, options.limits)),
  worker: true,
});

function isContacts(first: string): boolean {
  return /"raw_contacts"\s*:/.test(first) || /"contacts_data"\s*:/.test(first);
}

export const smsIeContactsFormat = defineFormat({
  id: 'sms-ie-contacts',
  label: 'SMS Import/Export contacts (contacts-*.json)',
  recognisedBy: '`[` whose first element has `raw_contacts` / `contacts_data`',
  carries: ['contacts'],
  recognise: (s) => {
    const first = firstArrayElement(s);
    return first !== undefined && !/"backupType"\s*:/.test(first) && isContacts(first);
  },
  open: async (file, options): Promise<OpenedBackup> => opened('sms-ie-contacts', await (await smsIe()).smsIeContactsUnits(file, options.limits)),
  worker: false,
});
