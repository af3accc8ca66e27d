/**
 * Reads a QKSMS backup (FORMATS.md section 7.4, docs/formats.md "QKSMS"): one object,
 * `{"messageCount": N, "messages": [...]}`, pretty-printed with tabs by Moshi. The messages are
 * streamed element by element (json/member-array.ts), so the file is never parsed whole.
 *
 * Each message is the app's BackupMessage: camelCase keys, typed values (numbers, booleans, a
 * string or null `serviceCenter`). Records use the provider's columns, so the keys are mapped
 * (`dateSent` -> `date_sent`, `serviceCenter` -> `service_center`, `subId` -> `sub_id`) and the
 * two booleans become the provider's 1/0, which is what the app's restore writes. A key the app
 * does not write (a fork's) is kept under its own name. A value of the wrong type is an error
 * (the app's own restore refuses it too), named with its element and line.
 */
import { MalformedBackupError } from '../errors.js';
import { ElementError, forEachElementObject, type ElementStats } from '../json/element-reader.js';
import { memberArrayElements, type MemberArray } from '../json/member-array.js';
import { scalarText, type JsonObject } from '../json/values.js';
import { formatSize, LimitExceededError, type InputLimits } from '../limits.js';
import type { Attr, RecordHandler } from '../records.js';

type Kind = 'int' | 'string' | 'string?' | 'bool';

/** The app's BackupMessage keys: provider column and JSON type. */
const KEYS: Record<string, { column: string; kind: Kind }> = {
  type: { column: 'type', kind: 'int' },
  address: { column: 'address', kind: 'string' },
  date: { column: 'date', kind: 'int' },
  dateSent: { column: 'date_sent', kind: 'int' },
  read: { column: 'read', kind: 'bool' },
  status: { column: 'status', kind: 'int' },
  body: { column: 'body', kind: 'string' },
  protocol: { column: 'protocol', kind: 'int' },
  serviceCenter: { column: 'service_center', kind: 'string?' },
  locked: { column: 'locked', kind: 'bool' },
  subId: { column: 'sub_id', kind: 'int' },
};

/** Without these a message cannot be placed or matched. */
const REQUIRED = ['address', 'date'] as const;

const EXPECTED: Record<Kind, string> = {
  int: 'a whole number',
  string: 'a string',
  'string?': 'a string or null',
  bool: 'true or false',
};

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface QksmsReadOptions {
  file: string;
  handler: RecordHandler;
  salvage: boolean;
  limits: InputLimits;
}

export async function readQksms(source: AsyncIterable<Buffer>, opts: QksmsReadOptions): Promise<ElementStats> {
  const found: MemberArray = { head: () => ({}), object: undefined };
  let headerSent = false;
  const sendHeader = (): void => {
    if (headerSent) return;
    headerSent = true;
    const rootAttrs: Attr[] = [];
    const head = found.head();
    for (const k in head) if (k !== 'messages') rootAttrs.push([k, scalarText(head[k])]);
    opts.handler.header({ content: 'messages', rootAttrs, creator: 'QKSMS' });
  };
  const maxChars = opts.limits.maxRecordChars;
  const elements = memberArrayElements(source, 'messages', found, {
    elementLimit: { bytes: maxChars * 4, error: (line, column, index) => tooLarge(opts.file, line, column, index, maxChars) },
  });
  let index = 0;
  const stats = await forEachElementObject(elements, opts, (o, el) => {
    sendHeader();
    if (el.text.length > maxChars) throw tooLarge(opts.file, el.line, el.column, el.index, maxChars);
    const attrs = messageAttrs(o, (message) => {
      opts.handler.warning({ code: 'lone-surrogate', message, line: el.line, column: el.column });
    });
    opts.handler.record({ kind: 'sms', attrs, position: { line: el.line, column: el.column, index } });
    index++;
  });
  sendHeader();
  const messages = found.object?.messages;
  if (found.object !== undefined && messages !== undefined && !Array.isArray(messages)) {
    throw new MalformedBackupError(opts.file, 1, 1, 'its "messages" member is not an array');
  }
  return stats;
}

function tooLarge(file: string, line: number, column: number, index: number, max: number): LimitExceededError {
  return new LimitExceededError(file, 'maxRecordChars', `message #${index + 1} at ${line}:${column} holds more than ${formatSize(max)} of text`, formatSize(max));
}

/** The message's attributes, in the file's order, under the provider's column names. */
export function messageAttrs(o: JsonObject, warn: (message: string) => void): Attr[] {
  for (const k of REQUIRED) if (!(k in o)) throw new ElementError(`has no "${k}"`);
  const attrs: Attr[] = [];
  for (const k in o) {
    const v = o[k];
    const known = KEYS[k];
    if (known === undefined) {
      attrs.push([k, text(scalarText(v), k, warn)]);
      continue;
    }
    attrs.push([known.column, value(v, k, known.kind, warn)]);
  }
  return attrs;
}

function value(v: unknown, key: string, kind: Kind, warn: (message: string) => void): string {
  switch (kind) {
    case 'int':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      break;
    case 'bool':
      if (typeof v === 'boolean') return v ? '1' : '0';
      break;
    case 'string?':
      if (v === null) return 'null';
      if (typeof v === 'string') return text(v, key, warn);
      break;
    case 'string':
      if (typeof v === 'string') return text(v, key, warn);
      break;
  }
  throw new ElementError(`has "${key}": ${describe(v)}, not ${EXPECTED[kind]}`);
}

/** A lone UTF-16 surrogate (a `\ud83d` escape without its pair) becomes U+FFFD, as in SBR. */
function text(s: string, key: string, warn: (message: string) => void): string {
  if (!LONE_SURROGATE.test(s)) return s;
  LONE_SURROGATE.lastIndex = 0;
  warn(`lone UTF-16 surrogate in "${key}" replaced with U+FFFD`);
  return s.replace(LONE_SURROGATE, '\uFFFD');
}

function describe(v: unknown): string {
  const json = JSON.stringify(v);
  const shown = json.length > 40 ? `${json.slice(0, 37)}...` : json;
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array ${shown}`;
  if (typeof v === 'object') return `an object ${shown}`;
  if (typeof v === 'number') return `the number ${shown}`;
  return `the ${typeof v} ${shown}`;
}
