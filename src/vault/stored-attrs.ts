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

/** `json` is JSON.stringify(attrs), which the import makes anyway for the content hash. */
export function encodeStoredAttrs(attrs: Attrs, json: string): string {
  return renderAttributeText(attrs, json) ?? json;
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

/**
 * One form per set of attributes (JSON), whichever form each was stored in: what comparing two
 * stored attribute sets needs when their texts differ.
 */
export function canonicalStoredAttrs(stored: string): string {
  return isJson(stored) ? stored : JSON.stringify(parseAttributeText(stored));
}
