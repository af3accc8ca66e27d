/**
 * SMS Backup+'s mail layout (FORMATS.md section 2): its header names, its Message-ID and
 * References schemes, and the one header Textvault adds to carry what the layout cannot say.
 */
import { createHash } from 'node:crypto';

/** The app's private headers, spelled exactly as it writes them. */
export const H = {
  id: 'X-smssync-id',
  address: 'X-smssync-address',
  datatype: 'X-smssync-datatype',
  type: 'X-smssync-type',
  date: 'X-smssync-date',
  thread: 'X-smssync-thread',
  read: 'X-smssync-read',
  status: 'X-smssync-status',
  protocol: 'X-smssync-protocol',
  serviceCenter: 'X-smssync-service_center',
  backupTime: 'X-smssync-backup-time',
  version: 'X-smssync-version',
  duration: 'X-smssync-duration',
} as const;

/**
 * The record exactly as the vault holds it (attribute order, "null" versus absent, every
 * attribute the layout has no header for), base64 JSON folded over several lines. The app ignores
 * headers it does not know; our reader uses it only while it agrees with the visible headers.
 */
export const EMBED_HEADER = 'X-textvault-record';

/** Textvault's id of a mail it wrote (writer.mailIdentity): what a re-export checks. */
export const ID_HEADER = 'X-textvault-id';

export type DataType = 'SMS' | 'MMS' | 'CALLLOG';

export const MESSAGE_ID_DOMAIN = 'sms-backup-plus.local';

/**
 * The app's Message-ID: MD5 of the message date in milliseconds, the address and the type code
 * (SMS `type`, MMS `msg_box`, call type), so the same message backed up twice has one id.
 */
export function smsBackupPlusMessageId(dateMs: number, address: string | null, type: number): string {
  const md5 = createHash('md5');
  md5.update(String(dateMs));
  if (address !== null) md5.update(address);
  md5.update(String(type));
  return `<${md5.digest('hex')}@${MESSAGE_ID_DOMAIN}>`;
}

/** `<reference.thread@sms-backup-plus.local>`: Gmail threads the mails sharing it. */
export function references(reference: string, thread: string): string {
  return `<${reference}.${thread}@${MESSAGE_ID_DOMAIN}>`;
}

/** The install reference of a References header the app wrote, or undefined. */
export function referenceOf(value: string): { reference: string; thread: string } | undefined {
  const m = /<([0-9a-z]+)\.([^@>]+)@sms-backup-plus\.local>/i.exec(value);
  return m === null ? undefined : { reference: m[1] ?? '', thread: m[2] ?? '' };
}

/** A 24-character base-36 install reference like the app generates. */
export function newReference(random: () => number = Math.random): string {
  let s = '';
  for (let i = 0; i < 24; i++) s += Math.floor(random() * 35).toString(36);
  return s;
}

/** The app's call body: `267s (00:04:07)\n+44123 (incoming call)`; no duration for missed/rejected. */
export function callBody(type: number, number: string, durationS: number): string {
  const label = CALL_LABELS[type] ?? CALL_LABELS[1];
  const hms = [Math.floor(durationS / 3600), Math.floor((durationS % 3600) / 60), durationS % 60].map((n) => String(n).padStart(2, '0')).join(':');
  const duration = type === 3 || type === 5 ? '' : `${durationS}s (${hms})\n`;
  return `${duration}${number} (${label ?? 'incoming call'})`;
}

const CALL_LABELS: Record<number, string> = {
  1: 'incoming call',
  2: 'outgoing call',
  3: 'missed call',
  4: 'voicemail',
  5: 'rejected call',
};

/** Call types the app backs up (6 blocked and 7 answered elsewhere are skipped by it). */
export function isBackedUpCallType(type: number): boolean {
  return type >= 1 && type <= 5;
}
