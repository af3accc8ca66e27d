/**
 * Builds Android backup (.ab) files for the tests, the way Android's BackupManagerService writes
 * them: the text header, then tar -> deflate (when compressed) -> AES-256-CBC (when encrypted),
 * with the master key wrapped by a PBKDF2 key of the password and its checksum. The telephony
 * JSON follows AOSP TelephonyBackupAgent's javadoc and tests (Apache-2.0), adapted.
 */
import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDeflate, deflateSync } from 'node:zlib';
import { keyChecksumBytes, passwordBytes } from '../../../src/formats/androidbackup/crypto.js';

export interface TarItem {
  name: string;
  data?: Buffer | string;
  /** Type flag; '0' by default ('5' folder). */
  type?: string;
}

export interface TarOptions {
  /** Two zero blocks at the end (true by default). */
  endMarker?: boolean;
  /** Corrupts every header's checksum (Helium-style leniency). */
  badChecksum?: boolean;
  /** Names longer than 100 bytes as a pax 'x' header (default) or a GNU 'L' entry. */
  longNames?: 'pax' | 'gnu';
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function headerBlock(name: string, size: number, type: string, badChecksum: boolean): Buffer {
  const b = Buffer.alloc(512);
  b.write(name.slice(0, 100), 0, 'utf8');
  b.write(octal(0o600, 8), 100, 'latin1');
  b.write(octal(1000, 8), 108, 'latin1');
  b.write(octal(1000, 8), 116, 'latin1');
  b.write(octal(size, 12), 124, 'latin1');
  b.write(octal(1_700_000_000, 12), 136, 'latin1');
  b.write(type, 156, 'latin1');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  if (badChecksum) sum += 7;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

function padded(data: Buffer): Buffer {
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return `${len}${body}`;
}

export function tarOf(items: TarItem[], opts: TarOptions = {}): Buffer {
  const out: Buffer[] = [];
  for (const item of items) {
    const data = typeof item.data === 'string' ? Buffer.from(item.data) : (item.data ?? Buffer.alloc(0));
    const type = item.type ?? '0';
    let name = item.name;
    if (Buffer.byteLength(name) > 100) {
      if (opts.longNames === 'gnu') {
        const long = Buffer.from(name + '\0');
        out.push(headerBlock('././@LongLink', long.length, 'L', opts.badChecksum === true), padded(long));
      } else {
        const pax = Buffer.from(paxRecord('path', name));
        out.push(headerBlock('PaxHeader', pax.length, 'x', opts.badChecksum === true), padded(pax));
      }
      name = name.slice(0, 100);
    }
    out.push(headerBlock(name, type === '5' ? 0 : data.length, type, opts.badChecksum === true));
    if (type !== '5') out.push(padded(data));
  }
  if (opts.endMarker !== false) out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

export interface AbOptions {
  version?: number;
  compressed?: boolean;
  password?: string;
  rounds?: number;
  /** A master key with these bytes (to test the checksum's encoding). */
  masterKey?: Buffer;
}

interface AbHead {
  text: Buffer;
  /** The payload's key and IV when encrypted. */
  mk?: { key: Buffer; iv: Buffer };
  compressed: boolean;
}

/** The header lines and, for a password, the wrapped master key. */
function abHead(opts: AbOptions): AbHead {
  const version = opts.version ?? 5;
  const compressed = opts.compressed ?? true;
  const lines = ['ANDROID BACKUP', String(version), compressed ? '1' : '0'];
  if (opts.password === undefined) {
    lines.push('none');
    return { text: Buffer.from(lines.join('\n') + '\n', 'latin1'), compressed };
  }
  const rounds = opts.rounds ?? 10_000;
  const userSalt = randomBytes(64);
  const checksumSalt = randomBytes(64);
  const userIv = randomBytes(16);
  const mk = opts.masterKey ?? randomBytes(32);
  const mkIv = randomBytes(16);
  const userKey = pbkdf2Sync(passwordBytes(opts.password, version), userSalt, rounds, 32, 'sha1');
  const checksum = pbkdf2Sync(keyChecksumBytes(mk, version), checksumSalt, rounds, 32, 'sha1');
  const blob = Buffer.concat([Buffer.from([mkIv.length]), mkIv, Buffer.from([mk.length]), mk, Buffer.from([checksum.length]), checksum]);
  const wrap = createCipheriv('aes-256-cbc', userKey, userIv);
  const wrapped = Buffer.concat([wrap.update(blob), wrap.final()]);
  lines.push('AES-256', userSalt.toString('hex').toUpperCase(), checksumSalt.toString('hex').toUpperCase(), String(rounds), userIv.toString('hex').toUpperCase(), wrapped.toString('hex').toUpperCase());
  return { text: Buffer.from(lines.join('\n') + '\n', 'latin1'), mk: { key: mk, iv: mkIv }, compressed };
}

/** An .ab file around a tar. */
export function abOf(tar: Buffer, opts: AbOptions = {}): Buffer {
  const head = abHead(opts);
  let payload = head.compressed ? deflateSync(tar) : tar;
  if (head.mk !== undefined) {
    const c = createCipheriv('aes-256-cbc', head.mk.key, head.mk.iv);
    payload = Buffer.concat([c.update(payload), c.final()]);
  }
  return Buffer.concat([head.text, payload]);
}

/** An .ab file written from tar chunks as they come (for files too large to hold). */
export async function writeAb(file: string, tar: Iterable<Buffer>, opts: AbOptions = {}): Promise<void> {
  const head = abHead(opts);
  fs.writeFileSync(file, head.text);
  const stages: NodeJS.ReadWriteStream[] = [];
  if (head.compressed) stages.push(createDeflate({ level: 1 }));
  if (head.mk !== undefined) stages.push(createCipheriv('aes-256-cbc', head.mk.key, head.mk.iv));
  await pipeline([Readable.from(tar), ...stages, fs.createWriteStream(file, { flags: 'a' })]);
}

/** A tar entry's header and padded body, as chunks, for streaming writers. */
export function* tarEntryChunks(name: string, size: number, body: Iterable<Buffer>): Generator<Buffer> {
  yield headerBlock(name, size, '0', false);
  yield* body;
  yield Buffer.alloc((512 - (size % 512)) % 512);
}

const TELEPHONY = 'apps/com.android.providers.telephony';

/** The telephony provider's entries: a manifest, then each chunk as zlib JSON. */
export function telephonyItems(chunks: { kind: 'sms' | 'mms'; messages: unknown[] }[], domain = 'd_f'): TarItem[] {
  return [
    { name: `${TELEPHONY}/_manifest`, data: '1\ncom.android.providers.telephony\n29\n29\n' },
    ...chunks.map((c, i) => ({
      name: `${TELEPHONY}/${domain}/${String(i).padStart(6, '0')}_${c.kind}_backup`,
      data: deflateSync(Buffer.from(JSON.stringify(c.messages))),
    })),
  ];
}

/** Another app's data, as `adb backup -all` holds it. */
export function otherAppItems(pkg = 'com.example.notes', bytes = 3000): TarItem[] {
  return [
    { name: `apps/${pkg}/_manifest`, data: `1\n${pkg}\n7\n29\n` },
    { name: `apps/${pkg}/db/notes.db`, data: randomBytes(bytes) },
    { name: `apps/${pkg}/sp/prefs.xml`, data: '<map />' },
  ];
}

// Messages shaped like TelephonyBackupAgentTest's JSON (AOSP, Apache-2.0), with real dates.
export const SMS_1 = {
  self_phone: '+15550000000',
  address: '+15550001111',
  body: 'sms 1',
  subject: 'sms subject',
  date: '1700000000123',
  date_sent: '1700000000000',
  status: '-1',
  type: '1',
  recipients: ['+1 555-000-1111'],
  archived: true,
  read: '0',
};
export const SMS_2 = {
  address: '+15550001111',
  body: 'sms 2\nline two',
  date: '1700000100456',
  date_sent: '0',
  status: '-1',
  type: '2',
  recipients: ['+1 555-000-1111'],
  read: '1',
};
/** A group MMS received from +15550002222, to the owner and +15550003333. */
export const MMS_GROUP = {
  self_phone: '+15550000000',
  sub: 'Subject 1',
  date: '1700000200',
  date_sent: '1700000199',
  m_type: '132',
  v: '18',
  msg_box: '1',
  ct_l: 'http://mms.example/abc',
  recipients: ['+15550002222', '+15550003333'],
  read: '0',
  mms_addresses: [
    { type: 137, address: '+15550002222', charset: 106 },
    { type: 151, address: '+15550000000', charset: 106 },
    { type: 151, address: '+15550003333', charset: 106 },
  ],
  mms_body: 'group hello',
  mms_charset: 106,
  sub_cs: '106',
};
/** A sent 1:1 MMS. */
export const MMS_SENT = {
  date: '1700000300',
  date_sent: '0',
  m_type: '128',
  v: '18',
  msg_box: '2',
  recipients: ['+15550001111'],
  read: '1',
  mms_addresses: [
    { type: 137, address: 'insert-address-token', charset: 106 },
    { type: 151, address: '+15550001111', charset: 106 },
  ],
  mms_body: 'Mms\nBody\r\n',
  mms_charset: 106,
};

/** The default phone: 2 SMS and 2 MMS, beside another app. */
export function phoneTar(opts: TarOptions = {}): Buffer {
  return tarOf(
    [
      ...otherAppItems(),
      ...telephonyItems([
        { kind: 'sms', messages: [SMS_1, SMS_2] },
        { kind: 'mms', messages: [MMS_GROUP, MMS_SENT] },
      ]),
      { name: 'shared/0/DCIM/photo.jpg', data: randomBytes(5000) },
    ],
    opts,
  );
}

// ---- the call log (AOSP CallLogBackupAgent, key-value data as KeyValueAdbBackupEngine puts it) ----

/** Java's writeUTF: 2-byte length, then modified UTF-8 (NUL as C0 80, each surrogate on its own). */
export function javaUtf(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0 && c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  const len = Buffer.alloc(2);
  len.writeUInt16BE(out.length);
  return Buffer.concat([len, Buffer.from(out)]);
}

const jstr = (s: string | null): Buffer => (s === null ? Buffer.from([0]) : Buffer.concat([Buffer.from([1]), javaUtf(s)]));
const jint = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const jlong = (n: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(n);
  return b;
};

export interface TestCall {
  number: string | null;
  date: bigint;
  duration: bigint;
  type: number;
  presentation?: number;
  version?: number;
}

/** One call as CallLogBackupAgent.addCallToBackup writes it (version 1007 by default). */
export function callValue(c: TestCall): Buffer {
  const version = c.version ?? 1007;
  const parts = [jint(version), jlong(c.date), jlong(c.duration), jstr(c.number), jint(c.type), jint(c.presentation ?? 1)];
  parts.push(jstr('com.android.phone/com.android.services.telephony.TelephonyConnectionService'), jstr('8901260'), jstr(null), jlong(0n), jint(0));
  if (version >= 1002) parts.push(javaUtf('no-oem-namespace'), jint(0), jint(0x60061e));
  if (version >= 1003) parts.push(jint(1));
  if (version >= 1004) parts.push(jstr(''));
  if (version >= 1005) parts.push(jstr(''));
  if (version >= 1006) parts.push(jint(0), jstr(null), jstr(null));
  if (version >= 1007) parts.push(jstr(''), jstr(''), jstr(''), jstr(''), jstr(''), Buffer.from([0]));
  return Buffer.concat(parts);
}

/** Android's BackupDataOutput file: little-endian entity headers, keys and values padded to 4. */
export function keyValueFile(entities: { key: string; value: Buffer | null }[]): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  const push = (b: Buffer): void => {
    out.push(b);
    pos += b.length;
  };
  for (const e of entities) {
    push(Buffer.alloc((4 - (pos % 4)) % 4, 0xbc));
    const key = Buffer.from(e.key);
    const h = Buffer.alloc(12);
    h.writeUInt32LE(0x61746144, 0);
    h.writeInt32LE(key.length, 4);
    h.writeInt32LE(e.value === null ? -1 : e.value.length, 8);
    push(h);
    push(Buffer.concat([key, Buffer.from([0])]));
    push(Buffer.alloc((4 - ((key.length + 1) % 4)) % 4, 0xbc));
    if (e.value !== null) push(e.value);
  }
  return Buffer.concat(out);
}

export function callLogItems(calls: TestCall[]): TarItem[] {
  return [
    { name: 'apps/com.android.calllogbackup/_manifest', data: '1\ncom.android.calllogbackup\n29\n29\n' },
    { name: 'apps/com.android.calllogbackup/k/com.android.calllogbackup.data', data: keyValueFile(calls.map((c, i) => ({ key: String(i + 1), value: callValue(c) }))) },
  ];
}
