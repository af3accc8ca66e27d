/**
 * JSON values as record attributes. Records keep strings (records.ts); JSON backups hold strings
 * (SMS Import/Export), numbers (Fossify) and null, which become the attribute string a provider
 * column would have: numbers in their JSON spelling, null as "null" (SQL NULL, as in SBR).
 */

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/**
 * Seconds (Android's MMS `date`) as milliseconds, exactly, on the decimal string. Values that
 * are already milliseconds (12 digits or more: later than year 5138 in seconds) stay as they are.
 */
export function secondsToMs(value: string): string {
  if (!/^-?\d{1,11}$/.test(value)) return value;
  return value === '0' || value === '-0' ? value : `${value}000`;
}

/** The inverse of secondsToMs for writers: whole seconds, rounded down. */
export function msToSeconds(value: string): string {
  if (!/^-?\d+$/.test(value)) return value;
  const n = BigInt(value);
  const s = n >= 0n ? n / 1000n : -((-n + 999n) / 1000n);
  return s.toString();
}
