/**
 * The call log inside an Android backup. The call log is backed up by AOSP's CallLogBackupAgent
 * (package `com.android.calllogbackup`, Apache-2.0), a key-value agent: `adb backup -keyvalue`
 * puts its backup data file in the tar as `apps/com.android.calllogbackup/k/<pkg>.data`
 * (KeyValueAdbBackupEngine).
 *
 * That file is Android's BackupDataOutput format (libs/androidfw/BackupData.cpp): entities, each
 * a little-endian header {type 0x61746144 "Data", key length, data size (-1: deleted)}, the key
 * (UTF-8, NUL-terminated, padded to 4 bytes), the value (padded to 4). Each call is one entity:
 * key = the call's id, value = a Java DataOutputStream (big-endian) record:
 *
 *   int version; long date; long duration; str number; int type; int presentation;
 *   str accountComponentName; str accountId; str accountAddress; long dataUsage; int features;
 *   (>= 1002) UTF oemNamespace; int n; byte[n] oemData; int 0x60061E;
 *   (>= 1003) int addForAllUsers;  (>= 1004) str postDialDigits;  (>= 1005) str viaNumber;
 *   (>= 1006) int blockReason; str screeningAppName; str screeningComponentName;
 *   (>= 1007) five str and one nullable int, written empty (caller-id columns that were pulled)
 *
 * where `str` is a boolean (present) then, if true, writeUTF (2-byte length + Java's modified
 * UTF-8). Later versions may append fields: what follows the known ones is ignored.
 */
import type { Attr } from '../records.js';

const CALL_LOG_ENTRY = /^apps\/com\.android\.calllogbackup\/k\/[^/]+$/;
const ENTITY = 0x61746144;
const END_OEM_DATA_MARKER = 0x60061e;
/** A phone's call log is thousands of calls of ~150 bytes; far more is not one. */
export const MAX_CALL_LOG_BYTES = 64 << 20;

export function isCallLogEntry(path: string): boolean {
  return CALL_LOG_ENTRY.test(path);
}

export interface Entity {
  key: string;
  /** null for a deletion (data size -1). */
  value: Buffer | null;
}

export class CallLogDamage extends Error {}

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

/** The entities of a BackupDataOutput file. */
export function keyValueEntities(data: Buffer): Entity[] {
  const out: Entity[] = [];
  let at = 0;
  for (;;) {
    at += pad4(at);
    if (at >= data.length) return out;
    if (at + 12 > data.length) throw new CallLogDamage(`a key-value header is cut off at byte ${at}`);
    const type = data.readUInt32LE(at);
    const keyLen = data.readInt32LE(at + 4);
    const size = data.readInt32LE(at + 8);
    if (type !== ENTITY || keyLen <= 0 || size < -1) throw new CallLogDamage(`no key-value header at byte ${at}`);
    at += 12;
    if (at + keyLen + 1 > data.length) throw new CallLogDamage(`a key is cut off at byte ${at}`);
    const key = data.subarray(at, at + keyLen).toString('utf8');
    at += keyLen + 1;
    at += pad4(keyLen + 1);
    if (size === -1) {
      out.push({ key, value: null });
      continue;
    }
    if (at + size > data.length) throw new CallLogDamage(`the value of ${JSON.stringify(key)} is cut off`);
    out.push({ key, value: data.subarray(at, at + size) });
    at += size;
  }
}

/** Java's DataInputStream over a buffer. */
class JavaData {
  private at = 0;
  constructor(private readonly b: Buffer) {}

  private need(n: number): void {
    if (this.at + n > this.b.length) throw new CallLogDamage('the call record ends early');
  }
  int(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  long(): bigint {
    this.need(8);
    const v = this.b.readBigInt64BE(this.at);
    this.at += 8;
    return v;
  }
  bool(): boolean {
    this.need(1);
    return this.b[this.at++] !== 0;
  }
  bytes(n: number): Buffer {
    if (n < 0) throw new CallLogDamage('a negative length');
    this.need(n);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** writeUTF: a 2-byte length, then modified UTF-8 (NUL as C0 80, surrogates one by one). */
  utf(): string {
    this.need(2);
    const len = this.b.readUInt16BE(this.at);
    this.at += 2;
    return modifiedUtf8(this.bytes(len));
  }
  /** CallLogBackupAgent's nullable string: a boolean, then writeUTF when true. */
  str(): string | null {
    return this.bool() ? this.utf() : null;
  }
}

export function modifiedUtf8(b: Buffer): string {
  const units: number[] = [];
  for (let i = 0; i < b.length; ) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      units.push(c);
      i += 1;
    } else if ((c & 0xe0) === 0xc0 && i + 1 < b.length) {
      units.push(((c & 0x1f) << 6) | ((b[i + 1] ?? 0) & 0x3f));
      i += 2;
    } else if ((c & 0xf0) === 0xe0 && i + 2 < b.length) {
      units.push(((c & 0x0f) << 12) | (((b[i + 1] ?? 0) & 0x3f) << 6) | ((b[i + 2] ?? 0) & 0x3f));
      i += 3;
    } else {
      throw new CallLogDamage('a string is not modified UTF-8');
    }
  }
  let s = '';
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}

/**
 * A call's attributes, named as the call-log provider's columns (SBR's names where SBR has
 * them: `subscription_component_name`, `subscription_id`), null strings as "null".
 */
export function callAttrs(key: string, value: Buffer): Attr[] {
  const d = new JavaData(value);
  const s = (v: string | null): string => v ?? 'null';
  const version = d.int();
  if (version < 1) throw new CallLogDamage(`call record version ${version}`);
  const attrs: Attr[] = [['_id', key]];
  const date = d.long();
  const duration = d.long();
  const number = d.str();
  const type = d.int();
  const presentation = d.int();
  attrs.push(['number', s(number)], ['date', date.toString()], ['duration', duration.toString()], ['type', String(type)], ['presentation', String(presentation)]);
  attrs.push(['subscription_component_name', s(d.str())], ['subscription_id', s(d.str())], ['phone_account_address', s(d.str())]);
  attrs.push(['data_usage', d.long().toString()], ['features', String(d.int())]);
  if (version >= 1002) {
    d.utf();
    d.bytes(d.int());
    if (d.int() !== END_OEM_DATA_MARKER) throw new CallLogDamage('the OEM data has no end marker');
  }
  if (version >= 1003) attrs.push(['add_for_all_users', String(d.int())]);
  if (version >= 1004) attrs.push(['post_dial_digits', s(d.str())]);
  if (version >= 1005) attrs.push(['via_number', s(d.str())]);
  if (version >= 1006) attrs.push(['block_reason', String(d.int())], ['call_screening_app_name', s(d.str())], ['call_screening_component_name', s(d.str())]);
  return attrs;
}
