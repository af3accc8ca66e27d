/**
 * One Google Voice page (`Takeout/Voice/Calls/*.html`) parsed into what it says, with
 * htmlparser2: Google writes XHTML, but not always well-formed (a voicemail's
 * `<span class="description">` is never closed), so an HTML parser reads it, not an XML one. The
 * parser expands only HTML's own named and numeric references; a DOCTYPE is never read, so no
 * entity can be defined.
 *
 * A conversation page (`<div class="hChatLog hfeed">`) holds `<div class="message">` elements:
 * `<abbr class="dt" title="ISO time with offset">`, the sender (`<cite class="sender vcard">` with
 * `<a class="tel" href="tel:...">` and `<span class="fn">Name</span>`, or `<abbr class="fn">Me</abbr>`
 * for the owner), the text in `<q>` (`<br>` for line breaks) and attachments (`<img src>`,
 * `<a class="vcard" href>`, `<audio src>`, `<video src>`) naming files beside the page. A group
 * conversation starts with `<div class="participants">`. A call page (`<div class="haudio">`) has
 * the other party in `<div class="contributor vcard">`, `<abbr class="published">`,
 * `<abbr class="duration" title="PT1M2S">`, a voicemail's transcript in `<span class="full-text">`
 * and labels (`<a rel="tag" href="...#missed">`).
 */
import { DomHandler, DomUtils, Parser } from 'htmlparser2';

type Document = DomHandler['root'];
type Node = Document['children'][number];
type Element = Parameters<typeof DomUtils.getAttributeValue>[0];

export interface Party {
  /** The number as the page's `tel:` link has it (`+15551234567`; empty when the page had none). */
  number: string;
  /** The name the page gives, or null (the owner's "Me", or an empty name). */
  name: string | null;
  /** The page's owner (`<abbr class="fn">Me</abbr>`). */
  me: boolean;
}

export interface PageMessage {
  /** The `title` of its `<abbr class="dt">`: ISO 8601 with the offset of the phone's zone. */
  time: string | undefined;
  sender: Party | undefined;
  text: string;
  /** File names the message links to, as written (resolved against the page's folder later). */
  attachments: string[];
  /** Offset of the message in the page's text, for positions in warnings and errors. */
  at: number;
}

export interface ConversationPage {
  kind: 'conversation';
  title: string;
  /** Set for a group conversation: its `<div class="participants">`. */
  participants: Party[] | undefined;
  messages: PageMessage[];
  labels: string[];
}

export interface CallPage {
  kind: 'call';
  title: string;
  party: Party | undefined;
  time: string | undefined;
  /** ISO 8601 duration (`PT1M2S`), when the page gives one. */
  duration: string | undefined;
  transcript: string | undefined;
  labels: string[];
  at: number;
}

export type VoicePage = ConversationPage | CallPage | { kind: 'other' };

function classes(el: Element): string[] {
  return (DomUtils.getAttributeValue(el, 'class') ?? '').split(/\s+/).filter((c) => c !== '');
}

function hasClass(el: Element, name: string): boolean {
  return classes(el).includes(name);
}

function findAll(root: Node | Node[], test: (el: Element) => boolean): Element[] {
  return DomUtils.findAll(test, Array.isArray(root) ? root : [root]);
}

function findOne(root: Node | Node[], test: (el: Element) => boolean): Element | undefined {
  return DomUtils.findOne(test, Array.isArray(root) ? root : [root]) ?? undefined;
}

/** Text with runs of white space (the pages' line breaks inside names and titles) as one space. */
function collapsed(node: Node | Node[]): string {
  return DomUtils.textContent(node).replace(/\s+/g, ' ').trim();
}

/** A message's text as sent: text nodes as they are, `<br>` as a line break. */
function messageText(node: Node): string {
  if (DomUtils.isText(node)) return node.data;
  if (!DomUtils.isTag(node)) return '';
  if (node.name === 'br') return '\n';
  return node.children.map(messageText).join('');
}

function party(card: Element | undefined): Party | undefined {
  if (card === undefined) return undefined;
  const tel = findOne(card, (e) => e.name === 'a' && hasClass(e, 'tel'));
  const href = tel === undefined ? undefined : DomUtils.getAttributeValue(tel, 'href');
  const number = href === undefined ? '' : href.replace(/^tel:/i, '').trim();
  const fn = findOne(card, (e) => hasClass(e, 'fn'));
  const me = fn?.name === 'abbr';
  const name = fn === undefined || me ? null : collapsed(fn);
  if (href === undefined && fn === undefined) return undefined;
  return { number, name: name === '' ? null : name, me };
}

function labels(doc: Document): string[] {
  const tags = findOne(doc.children, (e) => e.name === 'div' && hasClass(e, 'tags'));
  if (tags === undefined) return [];
  return findAll(tags, (e) => e.name === 'a' && DomUtils.getAttributeValue(e, 'rel') === 'tag').map((a) => (DomUtils.getAttributeValue(a, 'href') ?? '').replace(/^.*#/, '').toLowerCase());
}

const LINKS: Record<string, string> = { img: 'src', audio: 'src', video: 'src', source: 'src' };

function attachments(message: Element): string[] {
  const names: string[] = [];
  for (const el of findAll(message, (e) => e.name in LINKS || (e.name === 'a' && (hasClass(e, 'vcard') || DomUtils.getAttributeValue(e, 'rel') === 'enclosure')))) {
    const value = DomUtils.getAttributeValue(el, LINKS[el.name] ?? 'href');
    if (value !== undefined && value !== '' && !names.includes(value)) names.push(value);
  }
  return names;
}

/** Deeper than any page Google writes (about 10 levels). */
export const MAX_PAGE_DEPTH = 256;

/** The page nests elements deeper than MAX_PAGE_DEPTH; `at` is the offset of the first too deep. */
export class PageDepthError extends Error {
  constructor(readonly at: number) {
    super(`the page nests elements more than ${MAX_PAGE_DEPTH} deep`);
  }
}

/**
 * DomHandler that stops the parse at the first element nested deeper than MAX_PAGE_DEPTH:
 * htmlparser2 takes time in proportion to the depth for each tag (11 s for a page of 100,000
 * nested tags), and the DOM walks below recurse, so a deeper page would hang or overflow the stack.
 */
class DepthLimitedHandler extends DomHandler {
  private position: { startIndex: number | null } | undefined;

  override onparserinit(parser: { startIndex: number | null; endIndex: number | null }): void {
    this.position = parser;
    super.onparserinit(parser);
  }

  override onopentag(name: string, attribs: Record<string, string>): void {
    // The stack holds the document itself, then each open element.
    if (this.tagStack.length > MAX_PAGE_DEPTH) throw new PageDepthError(this.position?.startIndex ?? 0);
    super.onopentag(name, attribs);
  }
}

function parseDocument(html: string): Document {
  const options = { withStartIndices: true };
  const handler = new DepthLimitedHandler(undefined, options);
  new Parser(handler).end(html);
  return handler.root;
}

export function parsePage(html: string): VoicePage {
  const doc = parseDocument(html);
  const title = collapsed(findOne(doc.children, (e) => e.name === 'title') ?? []);
  const log = findOne(doc.children, (e) => e.name === 'div' && hasClass(e, 'hChatLog'));
  if (log !== undefined) {
    const participantsDiv = findOne(log, (e) => e.name === 'div' && hasClass(e, 'participants'));
    const participants = participantsDiv === undefined ? undefined : findAll(participantsDiv, (e) => hasClass(e, 'vcard')).flatMap((c) => party(c) ?? []);
    const messages = findAll(log, (e) => e.name === 'div' && hasClass(e, 'message')).map((m): PageMessage => {
      const dt = findOne(m, (e) => e.name === 'abbr' && hasClass(e, 'dt'));
      const q = findOne(m, (e) => e.name === 'q');
      return {
        time: dt === undefined ? undefined : DomUtils.getAttributeValue(dt, 'title'),
        sender: party(findOne(m, (e) => e.name === 'cite' && hasClass(e, 'sender'))),
        text: q === undefined ? '' : q.children.map(messageText).join(''),
        attachments: attachments(m),
        at: m.startIndex ?? 0,
      };
    });
    return { kind: 'conversation', title, participants, messages, labels: labels(doc) };
  }
  const audio = findOne(doc.children, (e) => e.name === 'div' && hasClass(e, 'haudio'));
  if (audio !== undefined) {
    const published = findOne(audio, (e) => e.name === 'abbr' && hasClass(e, 'published'));
    const duration = findOne(audio, (e) => e.name === 'abbr' && hasClass(e, 'duration'));
    const fullText = findOne(audio, (e) => hasClass(e, 'full-text'));
    return {
      kind: 'call',
      title,
      party: party(findOne(audio, (e) => hasClass(e, 'contributor'))),
      time: published === undefined ? undefined : DomUtils.getAttributeValue(published, 'title'),
      duration: duration === undefined ? undefined : DomUtils.getAttributeValue(duration, 'title'),
      transcript: fullText === undefined ? undefined : DomUtils.textContent(fullText).trim(),
      labels: labels(doc),
      at: audio.startIndex ?? 0,
    };
  }
  return { kind: 'other' };
}

/**
 * 1-based line and column of offsets in a page, for messages: the line starts are found once per
 * page (a page of thousands of messages would otherwise be scanned again for each one).
 */
export function positions(html: string): (at: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = html.indexOf('\n'); i !== -1; i = html.indexOf('\n', i + 1)) starts.push(i + 1);
  return (at) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (starts[lo] ?? 0) + 1 };
  };
}
