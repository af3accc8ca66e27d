import { describe, expect, it } from 'vitest';
import type { MessageFields } from '../../src/formats/fields.js';
import { callStrictKey, contentHash, mediaSignature, messageStrictKey, strictKeyOf } from '../../src/vault/identity.js';

/**
 * Keys and hashes are stored: every vault holds them, so the same record must give the same bytes
 * in every version (a changed key would import every message a second time). These values were
 * computed by the implementation that wrote the first vaults.
 */
describe('stored identity keys never change', () => {
  const sms: MessageFields = {
    kind: 'sms',
    dateMs: 1700000000123,
    dateSentMs: null,
    direction: 'in',
    box: 1,
    address: '+15551234567',
    participants: ['+15551234567'],
    participantNames: [null],
    text: 'Привет 😀 line\nnext & <b>',
    read: 1,
    media: [],
  };
  const mms: MessageFields = {
    kind: 'mms',
    dateMs: -86400000,
    dateSentMs: null,
    direction: 'out',
    box: 2,
    address: null,
    participants: [],
    participantNames: [],
    text: '',
    read: 1,
    media: [{ sha256: 'bb'.repeat(32) }, { damage: 'empty' }, { sha256: 'aa'.repeat(32) }],
  };

  it('an SMS key: its date, then 128 bits of SHA-256 of its identity (UTF-8, emoji and Cyrillic)', () => {
    expect(messageStrictKey(sms, '+15551234567', 1700000000123).toString('hex')).toBe('0000018bcfe5687b7b8afa38ad0c7100966cd2a780118649');
  });

  it('an MMS key before 1970 (two-complement date) with sorted media and damage', () => {
    expect(messageStrictKey(mms, '+15550000001 +15550000002', -86400000).toString('hex')).toBe('fffffffffad9a400af3a44434ebc1a353e8c3c91dabf8552');
  });

  it('a call key', () => {
    expect(callStrictKey('+15551234567', 1700000000999).toString('hex')).toBe('0000018bcfe56be79264ed160264b6894f163e74f3fa3496');
  });

  it('a content hash, a lone surrogate included', () => {
    expect(contentHash('[["a","1"]]', 'x', '\ud83d').toString('hex')).toBe('e85d0b1f6587a330441dea5857a39d4a');
  });

  it('the same keys from the text as UTF-8 bytes, as the import thread gets it from the reader thread', () => {
    const smsId = { kind: 'sms', participantsKey: '+15551234567', dateMs: 1700000000123, direction: 'in', mediaSignature: '' };
    expect(strictKeyOf(smsId, Buffer.from(sms.text)).toString('hex')).toBe('0000018bcfe5687b7b8afa38ad0c7100966cd2a780118649');
    // A view into a larger buffer (a batch), at an offset.
    const batch = Buffer.concat([Buffer.from('xyz'), Buffer.from(sms.text), Buffer.from('tail')]);
    expect(strictKeyOf(smsId, batch.subarray(3, batch.length - 4)).toString('hex')).toBe('0000018bcfe5687b7b8afa38ad0c7100966cd2a780118649');
    const mmsId = { kind: 'mms', participantsKey: '+15550000001 +15550000002', dateMs: -86400000, direction: 'out', mediaSignature: mediaSignature(mms) };
    expect(strictKeyOf(mmsId, new Uint8Array(0)).toString('hex')).toBe('fffffffffad9a400af3a44434ebc1a353e8c3c91dabf8552');
    // Texts longer than the reused buffer, CJK, and a lone surrogate (U+FFFD both ways).
    for (const text of ['你好'.repeat(5_000), 'a\ud800b', '\udc00', 'é'.repeat(100_000)]) {
      const f = { ...sms, text };
      expect(strictKeyOf(smsId, Buffer.from(text)).equals(messageStrictKey(f, '+15551234567', 1700000000123))).toBe(true);
      expect(strictKeyOf(smsId, text).equals(messageStrictKey(f, '+15551234567', 1700000000123))).toBe(true);
    }
  });

  it('keys made one after another do not share bytes', () => {
    const a = messageStrictKey(sms, '+15551234567', 1700000000123);
    const b = messageStrictKey({ ...sms, text: 'other' }, '+15551234567', 1700000000123);
    expect(a.toString('hex')).toBe('0000018bcfe5687b7b8afa38ad0c7100966cd2a780118649');
    expect(b.equals(a)).toBe(false);
  });
});
