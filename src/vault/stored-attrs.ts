/**
 * How a message's attributes are kept in `messages.attrs`: as the attribute text SMS Backup &
 * Restore files have (formats/sbr/attribute-text.ts), so that the SBR export copies a stored SMS
 * into its file (for 200,000 SMS that halved the export: no JSON.parse, no escaping every value
 * again, and none of their garbage). Attributes that text cannot hold exactly (a lone surrogate,
 * a control character, a name that is not an XML name or appears twice) are kept as JSON,
 * `[["name","value"],...]`, which is how every row was kept before; both are read.
 * Parts, addresses and calls keep JSON.
 */
import type { Attrs } from '../formats/records.js';
import { parseAttributeText, renderAttributeText } from '../formats/sbr/attribute-text.js';

/** In the JSON of attributes: an escape, or what XML must escape or cannot hold. */
const NOT_PLAIN = /[\\&<>\ufffe\uffff]/;
const PAIR = /\["([^"]*)","([^"]*)"\],?/g;
const XML_NAME = /^[:A-Z_a-z][-.0-9:A-Z_a-z]*$/;

/**
 * `json` is JSON.stringify(attrs), which the import makes anyway for the content hash. Without
 * escapes and XML specials its strings are already the attribute text's values, and one replace
 * turns it into that text (the general path escapes value by value: twice the import's CPU).
 */
export function encodeStoredAttrs(attrs: Attrs, json: string): string {
  if (!NOT_PLAIN.test(json) && plainNames(attrs)) return json.slice(1, -1).replace(PAIR, ' $1="$2"');
  return renderAttributeText(attrs) ?? json;
}

/** ASCII XML names, none twice. */
function plainNames(attrs: Attrs): boolean {
  for (let i = 0; i < attrs.length; i++) {
    const name = (attrs[i] as Attrs[number])[0];
    if (!XML_NAME.test(name)) return false;
    for (let k = 0; k < i; k++) if ((attrs[k] as Attrs[number])[0] === name) return false;
  }
  return true;
}

function isJson(stored: string): boolean {
  return stored.charCodeAt(0) === 0x5b; /* [ */
}

export function decodeStoredAttrs(stored: string): Attrs {
  return isJson(stored) ? (JSON.parse(stored) as Attrs) : parseAttributeText(stored);
}

/** The stored text when an SBR writer can copy it (SmsRecord.attrText). */
export function storedAttributeText(stored: string): string | undefined {
  return isJson(stored) ? undefined : stored;
}
