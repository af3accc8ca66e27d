/**
 * An element's attributes as one piece of text, exactly as SbrXmlWriter writes them in its
 * default mode: ` name="value"` for each, values escaped by escapeValue. The archive keeps a
 * message's attributes in this form (vault/stored-attrs.ts), so the SBR export copies a stored
 * SMS into its file instead of parsing JSON and escaping every value again.
 */
import type { Attr, Attrs } from '../records.js';
import { escapeValue, isXmlName, specialCharacters } from './xml-escape.js';

const SPECIAL = specialCharacters(false);
/** Names already checked (a backup uses a few dozen); bounded so odd input cannot grow it. */
const checkedNames = new Set<string>();
const MAX_CHECKED_NAMES = 1024;

/** In the JSON of attributes: an escape, or what attribute text must escape or cannot hold. */
const NOT_PLAIN_JSON = /[\\&<>\ufffe\uffff]/;
const JSON_PAIR = /\["([^"]*)","([^"]*)"\],?/g;
/**
 * In a start tag's raw attributes (no reference in them): what attribute text never holds as it
 * is: control characters (written as references), `>`, U+FFFE, U+FFFF.
 */
// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const NOT_VERBATIM = /[\u0000-\u001f>\ufffe\uffff]/;

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

/** XML names, none given twice (the writer refuses anything else). */
function namesFit(attrs: Attrs): boolean {
  for (let i = 0; i < attrs.length; i++) {
    const name = (attrs[i] as Attr)[0];
    if (!checkedNames.has(name)) {
      if (!isXmlName(name)) return false;
      if (checkedNames.size < MAX_CHECKED_NAMES) checkedNames.add(name);
    }
    for (let k = 0; k < i; k++) if ((attrs[k] as Attr)[0] === name) return false;
  }
  return true;
}

/**
 * Whether a start tag's attributes as they stand in the file (one space and double quotes each,
 * no reference) are exactly their attribute text.
 */
export function isVerbatimAttributeText(raw: string): boolean {
  return !NOT_VERBATIM.test(raw);
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
