/**
 * How much a backup file may make a reader hold in memory and how far it may expand when
 * decompressed. Readers stream, so memory is bounded by the largest piece they must hold whole:
 * one start tag's attribute text, one record. A hostile file can make those pieces as large as
 * it likes (a 184 KB gzip held three 60 MiB attributes), and a small compressed file can expand
 * to gigabytes; these limits refuse such files with a LimitExceededError that says which limit
 * and how to raise it. The vault's settings (`import.*`, vault/config.ts) override the defaults.
 *
 * Streamed values (the base64 `data` of MMS parts, hundreds of MB in real backups) never count
 * towards the tag and record limits: they go to the blob store as they are read.
 */

const MiB = 1024 * 1024;

export interface InputLimits {
  /**
   * Characters of attribute text one start tag may hold in memory: names and values, streamed
   * media not counted (setting `import.max-tag-size`).
   */
  maxTagChars: number;
  /** Attributes on one start tag (setting `import.max-attributes`). */
  maxAttributes: number;
  /**
   * Characters one record (an SMS, a call, an MMS with its parts and addresses) may hold in
   * memory, streamed media not counted; each element and attribute also counts a small fixed
   * overhead, so many empty ones add up too (setting `import.max-record-size`).
   */
  maxRecordChars: number;
  /**
   * Bytes one input file may expand to when decompressed: a gzip file's content, or all the
   * entries of a ZIP archive together (setting `import.max-expanded-size`).
   */
  maxExpandedBytes: number;
  /**
   * How many times its size on disk a compressed input may expand to, once it is past
   * RATIO_FLOOR (setting `import.max-expansion-ratio`).
   */
  maxExpansionRatio: number;
}

/**
 * Far above what real backups need (the longest SMS or MMS text is kilobytes; a whole book is
 * ~1 MiB; real SMS Backup & Restore XML compresses ~10:1, JSON similar, media ~1:1), and far
 * below what the reader thread's heap (worker-reader.ts) and the server's 256 MB heap can take.
 */
export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = {
  maxTagChars: 8 * MiB,
  maxAttributes: 10_000,
  maxRecordChars: 16 * MiB,
  maxExpandedBytes: 64 * 1024 * MiB,
  maxExpansionRatio: 200,
};

/** The ratio check applies from this many expanded bytes on: tiny files compress well legitimately. */
export const RATIO_FLOOR = 16 * MiB;

/** Fixed cost of one element and one attribute towards `maxRecordChars` (object headers, arrays). */
export const ELEMENT_OVERHEAD = 64;
export const ATTRIBUTE_OVERHEAD = 32;

/** The vault setting behind each limit: named in errors so the user knows what to raise. */
export const LIMIT_SETTINGS: Readonly<Record<keyof InputLimits, string>> = {
  maxTagChars: 'import.max-tag-size',
  maxAttributes: 'import.max-attributes',
  maxRecordChars: 'import.max-record-size',
  maxExpandedBytes: 'import.max-expanded-size',
  maxExpansionRatio: 'import.max-expansion-ratio',
};

/** The defaults with `overrides` applied. */
export function inputLimits(overrides: Partial<InputLimits> = {}): InputLimits {
  return { ...DEFAULT_INPUT_LIMITS, ...overrides };
}

/** "8 MiB", "1.5 GiB", "512 bytes": how a size is said in messages. */
export function formatSize(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? String(v) : String(Math.round(v * 10) / 10)} ${units[u] ?? ''}`;
}

/**
 * A file went past one of the InputLimits. Not damage: the file may well be a genuine backup
 * beyond the limit, so the message names the setting and the command that raises it.
 */
export class LimitExceededError extends Error {
  override readonly name = 'LimitExceededError';
  constructor(
    readonly file: string,
    /** The InputLimits key, e.g. `maxTagChars`. */
    readonly limit: keyof InputLimits,
    /** What went past the limit, e.g. `the start tag <sms> at 1:40 holds more than 8 MiB of text`. */
    readonly what: string,
    /** The limit as said to the user, e.g. `8 MiB`. */
    readonly allowed: string,
  ) {
    const setting = LIMIT_SETTINGS[limit];
    super(
      `${file}: ${what}, over the limit of ${allowed} (setting ${setting}); nothing from this backup was kept. ` +
        `Real backups stay far below it; if this file is genuine, raise it: textvault config set ${setting} VALUE`,
    );
  }
}
