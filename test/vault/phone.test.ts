import { describe, expect, it } from 'vitest';
import { inferRegion, parseRegion, PhoneNormalizer, InvalidRegionError } from '../../src/vault/phone.js';

describe('PhoneNormalizer', () => {
  const us = new PhoneNormalizer(parseRegion('US'));

  it('normalises every way a US number is written to the same E.164 form', () => {
    for (const raw of ['+15551234567', '15551234567', '5551234567', '(555) 123-4567', '+1 555 123 4567', '555.123.4567']) {
      expect(us.normalize(raw)).toBe('+15551234567');
    }
  });

  it('keeps short codes, alphanumeric senders, e-mail and RCS ids apart from phone numbers', () => {
    expect(us.normalize('72975')).toBe('72975');
    expect(us.normalize('AMAZON')).toBe('amazon');
    expect(us.normalize('Google Pay')).toBe('googlepay');
    expect(us.normalize('group_8@rcs.google.com')).toBe('group_8@rcs.google.com');
    expect(us.normalize('-2')).toBe('-2');
    expect(us.normalize('')).toBe('');
    expect(us.normalize('null')).toBe('');
  });

  it('does not add the default country code to a foreign number', () => {
    expect(us.normalize('+447700900123')).toBe('+447700900123');
    const gb = new PhoneNormalizer(parseRegion('GB'));
    expect(gb.normalize('07700 900123')).toBe('+447700900123');
  });

  it('accepts a bare calling code as the region', () => {
    const two = new PhoneNormalizer(parseRegion('+2'));
    expect(two.normalize('1111111111')).toBe('+21111111111');
    expect(two.normalize('+21111111111')).toBe('+21111111111');
  });

  it('refuses a region that is neither a country nor a calling code', () => {
    expect(() => parseRegion('Narnia')).toThrow(InvalidRegionError);
    expect(() => parseRegion('XX')).toThrow(/two-letter country code/);
  });
});

describe('inferRegion', () => {
  it('takes the most common country among numbers with a country code', () => {
    const r = inferRegion(['+447700900123', '+447700900124', '+15551234567', '5551234567']);
    expect(r?.region).toEqual({ kind: 'country', country: 'GB' });
    expect(r?.evidence).toBe(2);
  });

  it('counts a number each time it appears (it is parsed once), ties going to the country seen first', () => {
    const r = inferRegion(['+447700900123', '+15551234567', ' +15551234567 ', '+15551234567', '+447700900124']);
    expect(r).toEqual({ region: { kind: 'country', country: 'US' }, evidence: 3 });
    expect(inferRegion(['+447700900123', '+15551234567', '+15551234567', '+447700900123'])?.region).toEqual({ kind: 'country', country: 'GB' });
  });

  it('returns undefined when no number carries a country code', () => {
    expect(inferRegion(['5551234567', 'AMAZON'])).toBeUndefined();
  });
});
