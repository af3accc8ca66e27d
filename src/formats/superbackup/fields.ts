/**
 * What Super Backup & Restore's attributes mean (FORMATS.md section 7.1): an SMS is an SBR one
 * with `name` for the contact's name (empty when unknown) and no protocol, thread, date_sent or
 * status; a call log row has `dur` for the duration and `name`.
 */
import type { RecordFields } from '../backup-unit.js';
import { intOrNull, strOrNull } from '../fields.js';
import { attr } from '../records.js';
import { callFields, mmsFields, smsFields } from '../sbr/fields.js';

function knownName(value: string | undefined): string | null {
  const name = strOrNull(value);
  return name === null || name.trim() === '' ? null : name;
}

export const SUPER_BACKUP_FIELDS: RecordFields = {
  sms: (r) => {
    // The object smsFields made, its names replaced: a spread copy of it took the import thread
    // a slower object per SMS (prepare-record.ts says why literals matter there).
    const f = smsFields(r);
    const name = knownName(attr(r.attrs, 'name'));
    f.participantNames = f.participants.length === 1 ? [name] : f.participants.map(() => name);
    return f;
  },
  // The format has no MMS; a record of the vault's own shape is read as SBR's.
  mms: mmsFields,
  call: (r) => ({
    ...callFields(r),
    durationS: intOrNull(attr(r.attrs, 'dur')),
    contactName: knownName(attr(r.attrs, 'name')),
  }),
};
