/**
 * Meaning of records read from the formats that copy the Telephony provider's rows (SMS
 * Import/Export, Fossify). They are SBR's attributes except for one thing: an MMS has no
 * `address` attribute (SBR computes it from the thread; the provider's mms table has none), so
 * the other parties come from the address rows. When a record does carry `address` (it was
 * written by Textvault from an SBR copy), SBR's rule applies and the two copies are one message.
 */
import type { RecordFields } from './backup-unit.js';
import { intOrNull, strOrNull, type MessageFields } from './fields.js';
import { attr, type MmsRecord } from './records.js';
import { callFields, mmsFields, smsFields } from './sbr/fields.js';

const ADDRESS_TOKEN = 'insert-address-token';
const FROM = 137;
const TO = 151;
const CC = 130;
const BCC = 129;

export function providerMmsFields(r: MmsRecord): MessageFields {
  const f: MessageFields = { ...mmsFields(r), secondsDate: true };
  const address = strOrNull(attr(r.attrs, 'address'));
  if ((address !== null && address.trim() !== '') || r.addrs === null) return f;
  const rows = r.addrs.map((a) => ({
    address: strOrNull(attr(a.attrs, 'address')) ?? '',
    type: intOrNull(attr(a.attrs, 'type')),
    name: strOrNull(attr(a.attrs, '__display_name')),
  }));
  const usable = rows.filter((a) => a.address !== '' && a.address !== ADDRESS_TOKEN);
  const from = usable.find((a) => a.type === FROM)?.address;
  const to = usable.filter((a) => a.type === TO);
  let members: typeof usable;
  if (f.direction === 'out') {
    // Sent: everyone it went to; the sender row is the owner.
    members = usable.filter((a) => (a.type === TO || a.type === CC || a.type === BCC) && a.address !== from);
  } else {
    // Received: the sender and the copied; a single "to" row is the owner, several are a group.
    members = usable.filter((a) => a.type === FROM || a.type === CC || (a.type === TO && to.length > 1));
  }
  const seen = new Set<string>();
  const unique = members.filter((a) => !seen.has(a.address) && seen.add(a.address));
  return { ...f, participants: unique.map((a) => a.address), participantNames: unique.map((a) => a.name) };
}

export const PROVIDER_FIELDS: RecordFields = { sms: smsFields, mms: providerMmsFields, call: callFields };
