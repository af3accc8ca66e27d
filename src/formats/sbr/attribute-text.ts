/**
 * An element's attributes as one piece of text, exactly as SbrXmlWriter writes them in its
 * default mode: ` name="value"` for each, values escaped by escapeValue. The archive keeps a
 * message's attributes in this form (vault/stored-attrs.ts), so the SBR export copies a stored
 * SMS into its file instead of parsing JSON and escaping every value again.
 */
import type { Attr, Attrs } from '../records.js';
import { referenceCode, referenceEnd } from './entities.js';
import { escapeValue, isXmlName, specialCharacters } from './xml-escape.js';

const SPECIAL = specialCharacters(false);
/** Names already checked (a backup uses a few dozen); bounded so odd input cannot grow it. */
const checkedNames = new Set<string>();
const MAX_CHECKED_NAMES = 1024;

/** In the JSON of attributes: an escape, or what attribute text must escape or cannot hold. */
const NOT_PLAIN_JSON = /[\\&<>\ufffe\uffff]/;
const JSON_PAIR = /\["([^"]*)","([^"]*)"\],?/g;
/**
 * The text, or undefined when it could not hold these attributes exactly: a value the writer
 * would have to change (a lone surrogate, a C0 control, U+FFFE/U+FFFF), a name that is not an
 * XML name, or a name given twice. `json`, JSON.stringify(attrs) when the caller has it, is a
 * quicker way to the same text: without escapes and characters to escape its strings are the
 * values already, and one replace makes the text (escaping value by value cost the import
 * twice the CPU).
 */
export function renderAttributeText(attrs: Attrs, json?: string): string | undefined {
  if (!namesFit(attrs)) return undefined;
  if (json !== undefined && !NOT_PLAIN_JSON.test(json)) return json.slice(1, -1).replace(JSON_PAIR, ' $1="$2"');
  let out = '';
  const replaced = { count: 0 };
  const onReplaced = (): void => {
    replaced.count++;
  };
  for (const [name, value] of attrs) {
    const escaped = SPECIAL.test(value) ? escapeValue(value, false, onReplaced) : value;
    if (replaced.count > 0) return undefined;
    out += ` ${name}="${escaped}"`;
  }
  return out;
}

/** Past this many attributes names are checked for repeats with a set, not pair by pair. */
const FEW_ATTRS = 16;

/** XML names, none given twice (the writer refuses anything else). */
function namesFit(attrs: Attrs): boolean {
  // Pair by pair is quicker for a message's dozen attributes, but quadratic: a damaged tag with
  // 20,000 attributes took 3 s.
  const seen = attrs.length > FEW_ATTRS ? new Set<string>() : undefined;
  for (let i = 0; i < attrs.length; i++) {
    const name = (attrs[i] as Attr)[0];
    if (!checkedNames.has(name)) {
      if (!isXmlName(name)) return false;
      if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.add(name);
    }
    if (seen === undefined) {
      for (let k = 0; k < i; k++) if ((attrs[k] as Attr)[0] === name) return false;
    } else {
      if (seen.has(name)) return false;
      seen.add(name);
    }
  }
  return true;
}

/** In a start tag's raw attributes: a reference, or a character attribute text writes otherwise. */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const NOT_AS_IS = /[&>\u0000-\u001f\ufffe\uffff]/g;

/**
 * The attribute text of a start tag's attributes as they stand in the file (one space and double
 * quotes each): most tags are it already; in the others each reference, raw line break or `>`
 * is replaced by its character as escapeValue writes it, so that tags with line breaks, emoji as
 * surrogate references or `&amp;` need neither JSON nor escaping value by value
 * (renderAttributeText: 1,000,000 benchmark SMS, 30% of them -> 13%). Undefined where the text
 * could not hold the values exactly (what escapeValue would replace: a lone surrogate, `&#0;`,
 * another control character, U+FFFE, U+FFFF) or a reference is not one: the caller renders the
 * decoded values then.
 */
export function attributeTextOfTag(raw: string): string | undefined {
  let out = '';
  let last = 0;
  const replaced = { count: 0 };
  const onReplaced = (): void => {
    replaced.count++;
  };
  NOT_AS_IS.lastIndex = 0;
  for (let m = NOT_AS_IS.exec(raw); m !== null; m = NOT_AS_IS.exec(raw)) {
    const at = m.index;
    let char = m[0];
    let end = at + 1;
    if (char === '&') {
      const semi = referenceEnd(raw, at);
      const code = semi === -1 ? -1 : referenceCode(raw, at + 1, semi);
      if (code < 0) return undefined;
      end = semi + 1;
      // Old app versions' emoji: a high surrogate's reference directly followed by a low one's.
      const lowSemi = code >= 0xd800 && code <= 0xdbff && raw.charCodeAt(end) === 0x26 ? referenceEnd(raw, end) : -1;
      const low = lowSemi === -1 ? -1 : referenceCode(raw, end + 1, lowSemi);
      if (low >= 0xdc00 && low <= 0xdfff) {
        char = String.fromCharCode(code, low);
        end = lowSemi + 1;
      } else {
        char = String.fromCodePoint(code);
      }
    }
    out += raw.slice(last, at) + escapeValue(char, false, onReplaced);
    if (replaced.count > 0) return undefined;
    last = end;
    NOT_AS_IS.lastIndex = end;
  }
  return out + raw.slice(last);
}

const REFERENCE = /&(?:amp|lt|gt|quot|#9|#10|#13);/g;
const CHARACTER: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#9;': '\t', '&#10;': '\n', '&#13;': '\r' };

/** The attributes of a text renderAttributeText made. */
export function parseAttributeText(text: string): Attrs {
  const attrs: Attr[] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('="', i);
    const end = eq === -1 ? -1 : text.indexOf('"', eq + 2);
    if (text.charCodeAt(i) !== 0x20 || end === -1) throw new Error(`not attribute text at character ${i}: ${JSON.stringify(text.slice(i, i + 40))}`);
    const raw = text.slice(eq + 2, end);
    attrs.push([text.slice(i + 1, eq), raw.includes('&') ? raw.replace(REFERENCE, (r) => CHARACTER[r] ?? r) : raw]);
    i = end + 1;
  }
  return attrs;
}
