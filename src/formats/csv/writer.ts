/**
 * CSV for spreadsheets and scripts (RFC 4180): fields separated by commas, records ended by CRLF,
 * a field quoted when it holds a comma, a double quote, CR or LF, with quotes doubled inside.
 * Values are written exactly (no formula escaping), so a text starting with `=` stays that text.
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

export function messageCsvLine(m: MessageView, conversation: ConversationView): string {
  return csvLine([
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
  ]);
}

export function callCsvLine(c: CallView): string {
  return csvLine([isoWithOffset(c.dateMs), String(c.dateMs), c.type, c.person.address, c.person.name ?? '', c.durationS === null ? '' : String(c.durationS)]);
}
