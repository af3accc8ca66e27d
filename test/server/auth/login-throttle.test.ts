/**
 * The failed-login counts (issue 26 item 8) against a manual clock: a lock lasts until the
 * failures age out of the window, a success clears its address but not its account.
 */
import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../../src/server/auth/login-throttle.js';

describe('LoginThrottle', () => {
  it('locks an account after accountMax failures until they age out, whichever address they came from', () => {
    let now = 1_000_000;
    const t = new LoginThrottle({ accountMax: 3, addressMax: 9, windowMs: 60_000 }, () => now);
    t.failed('owner', 'a');
    now += 10_000;
    t.failed('owner', 'b');
    // A success elsewhere does not reset the account's count.
    t.succeeded('b');
    expect(t.refusal('owner', 'c')).toBeUndefined();
    t.failed('owner', 'c');
    expect(t.refusal('owner', 'd')).toEqual({ reason: 'account_locked', retryAfterMs: 50_000 });
    expect(t.refusal('someone-else', 'a')).toBeUndefined();
    now += 50_000;
    expect(t.refusal('owner', 'a')).toBeUndefined();
  });

  it('limits an address after addressMax failures over any accounts; its own success clears it', () => {
    let now = 0;
    const t = new LoginThrottle({ accountMax: 3, addressMax: 4, windowMs: 60_000 }, () => now);
    for (let i = 0; i < 3; i++) t.failed(`user${i}`, 'a');
    t.succeeded('a');
    for (let i = 0; i < 4; i++) t.failed(`user${i}`, 'a');
    expect(t.refusal('owner', 'a')).toEqual({ reason: 'address_limited', retryAfterMs: 60_000 });
    expect(t.refusal('owner', 'b')).toBeUndefined();
    now += 60_000;
    expect(t.refusal('owner', 'a')).toBeUndefined();
  });
});
