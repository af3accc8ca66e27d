/**
 * Writes a large Android backup (.ab) for the constant-memory benchmark, streaming (the file is
 * never in memory): other apps' data first, then the telephony provider's SMS and text MMS in
 * chunks of 1,000 as AOSP's TelephonyBackupAgent writes them, then shared storage, as in
 * `adb backup -all -shared`. The shared-storage bytes are random, so they do not compress and
 * the file is about as large as asked.
 *
 *   tsx bench/generate-ab.ts --out bench/data/phone.ab --size-mb 1000 --sms 100000 --mms 10000
 *     [--password PW] [--uncompressed]
 */
import { createCipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createDeflate, deflateSync } from 'node:zlib';
import { keyChecksumBytes, passwordBytes } from '../src/formats/androidbackup/crypto.js';

const BLOCK = 512;

function header(name: string, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name, 0, 'utf8');
  const octal = (n: number, width: number): string => n.toString(8).padStart(width - 1, '0') + '\0';
  b.write(octal(0o600, 8), 100, 'latin1');
  b.write(octal(10_000, 8), 108, 'latin1');
  b.write(octal(10_000, 8), 116, 'latin1');
  b.write(octal(size, 12), 124, 'latin1');
  b.write(octal(1_700_000_000, 12), 136, 'latin1');
  b.write('0', 156, 'latin1');
  b.write('ustar\0', 257, 'latin1');
  b.write('00', 263, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return b;
}

const pad = (size: number): Buffer => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

function* entry(name: string, data: Buffer): Generator<Buffer> {
  yield header(name, data.length);
  yield data;
  yield pad(data.length);
}

/** A big file streamed in 1 MiB random pieces. */
function* bigEntry(name: string, size: number): Generator<Buffer> {
  yield header(name, size);
  for (let left = size; left > 0; left -= 1 << 20) yield randomBytes(Math.min(left, 1 << 20));
  yield pad(size);
}

const WORDS = ['hello', 'on my way', 'ça va', 'привет', '你好', 'مرحبا', '😀', 'see you at 7', 'ok', 'thanks!'];

function sms(i: number): Record<string, unknown> {
  const other = `+1555${String(1_000_000 + (i % 5000)).slice(1)}`;
  return {
    self_phone: '+15550000000',
    address: other,
    body: `${WORDS[i % WORDS.length] ?? ''} #${i}`,
    date: String(1_500_000_000_000 + i * 60_000),
    date_sent: String(1_500_000_000_000 + i * 60_000 - 3000),
    status: '-1',
    type: i % 3 === 0 ? '2' : '1',
    recipients: [other],
    read: '1',
  };
}

function mms(i: number): Record<string, unknown> {
  const a = `+1555${String(1_000_000 + (i % 300)).slice(1)}`;
  const b = `+1555${String(1_000_000 + ((i + 7) % 300)).slice(1)}`;
  return {
    self_phone: '+15550000000',
    date: String(1_500_000_000 + i * 97),
    date_sent: '0',
    m_type: '132',
    v: '18',
    msg_box: '1',
    recipients: [a, b],
    read: '1',
    mms_addresses: [
      { type: 137, address: a, charset: 106 },
      { type: 151, address: '+15550000000', charset: 106 },
      { type: 151, address: b, charset: 106 },
    ],
    mms_body: `group ${WORDS[i % WORDS.length] ?? ''} #${i}`,
    mms_charset: 106,
  };
}

function* tar(sizeBytes: number, smsCount: number, mmsCount: number): Generator<Buffer> {
  const appBytes = Math.floor(sizeBytes * 0.1);
  yield* entry('apps/com.example.notes/_manifest', Buffer.from('1\ncom.example.notes\n7\n29\n'));
  yield* bigEntry('apps/com.example.notes/db/notes.db', appBytes);
  yield* entry('apps/com.android.providers.telephony/_manifest', Buffer.from('1\ncom.android.providers.telephony\n29\n29\n'));
  let file = 0;
  for (const [kind, count, make] of [
    ['sms', smsCount, sms],
    ['mms', mmsCount, mms],
  ] as const) {
    for (let start = 0; start < count; start += 1000) {
      const messages = [];
      for (let i = start; i < Math.min(count, start + 1000); i++) messages.push(make(i));
      yield* entry(`apps/com.android.providers.telephony/d_f/${String(file++).padStart(6, '0')}_${kind}_backup`, deflateSync(JSON.stringify(messages)));
    }
  }
  yield* bigEntry('shared/0/Movies/holiday.mp4', Math.max(0, sizeBytes - appBytes));
  yield Buffer.alloc(2 * BLOCK);
}

export interface AbOptions {
  /** Size of the file in decimal MB (it comes out about this large: its bytes are random). */
  sizeMb: number;
  sms: number;
  mms: number;
  /** Encrypted (AES-256, as `adb backup` does with a password) when given. */
  password?: string;
  compressed: boolean;
}

/** Writes the .ab to `out`, streaming; returns its size in bytes. */
export async function writeAndroidBackup(out: string, opts: AbOptions): Promise<number> {
  const lines = ['ANDROID BACKUP', '5', opts.compressed ? '1' : '0'];
  const stages: NodeJS.ReadWriteStream[] = [];
  if (opts.compressed) stages.push(createDeflate({ level: 1 }));
  if (opts.password === undefined) lines.push('none');
  else {
    const rounds = 10_000;
    const [userSalt, checksumSalt, userIv, mk, mkIv] = [randomBytes(64), randomBytes(64), randomBytes(16), randomBytes(32), randomBytes(16)];
    const userKey = pbkdf2Sync(passwordBytes(opts.password, 5), userSalt, rounds, 32, 'sha1');
    const checksum = pbkdf2Sync(keyChecksumBytes(mk, 5), checksumSalt, rounds, 32, 'sha1');
    const wrap = createCipheriv('aes-256-cbc', userKey, userIv);
    const blob = Buffer.concat([Buffer.from([16]), mkIv, Buffer.from([32]), mk, Buffer.from([32]), checksum]);
    const wrapped = Buffer.concat([wrap.update(blob), wrap.final()]);
    lines.push('AES-256', ...[userSalt, checksumSalt].map((b) => b.toString('hex').toUpperCase()), String(rounds), userIv.toString('hex').toUpperCase(), wrapped.toString('hex').toUpperCase());
    stages.push(createCipheriv('aes-256-cbc', mk, mkIv));
  }
  await mkdir(dirname(out), { recursive: true });
  fs.writeFileSync(out, lines.join('\n') + '\n');
  await pipeline([Readable.from(tar(opts.sizeMb * 1e6, opts.sms, opts.mms)), ...stages, fs.createWriteStream(out, { flags: 'a' })]);
  return fs.statSync(out).size;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'size-mb': { type: 'string' },
      sms: { type: 'string' },
      mms: { type: 'string' },
      password: { type: 'string' },
      uncompressed: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.out === undefined) throw new Error('usage: tsx bench/generate-ab.ts --out FILE [--size-mb N] [--sms N] [--mms N] [--password PW] [--uncompressed]');
  const started = Date.now();
  const bytes = await writeAndroidBackup(values.out, {
    sizeMb: Number(values['size-mb'] ?? '1000'),
    sms: Number(values.sms ?? '100000'),
    mms: Number(values.mms ?? '10000'),
    ...(values.password === undefined ? {} : { password: values.password }),
    compressed: values.uncompressed !== true,
  });
  process.stdout.write(`${values.out}: ${(bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1]?.endsWith('generate-ab.ts') === true) await main();
