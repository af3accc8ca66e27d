/**
 * How many failed logins are allowed, per account and per client address. Only failures count:
 * a right password is never refused for logins that came before it (the owner opening the app
 * on three devices, or after two typos), only while its account is locked.
 *
 * - An account with `accountMax` failed logins (from anywhere) within `windowMs` is locked: every
 *   login to it gets 429, the password unchecked, until its oldest failure in the window ages
 *   out. This is what stops guessing one password.
 * - An address with `addressMax` failures within `windowMs` (3 x accountMax: more than one
 *   account's worth, so only an address that tried several accounts reaches it before an account
 *   locks) gets 429 for every login, unchecked: this stops one machine spraying guesses over many
 *   user names. A success from an address clears that address's failures; an account's failures
 *   are not cleared by a success (an attacker elsewhere keeps his count).
 *
 * In memory, per server process: a restart forgets the counts (as the plugin it replaces did).
 * Each map keeps at most MAX_KEYS entries, dropping the oldest.
 */

const MAX_KEYS = 10_000;

export interface ThrottleLimits {
  accountMax: number;
  addressMax: number;
  windowMs: number;
}

export type Refusal = { reason: 'account_locked' | 'address_limited'; retryAfterMs: number };

class FailureLog {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** The key's failures still inside the window (older ones dropped). */
  private recent(key: string, now: number): number[] {
    const all = this.failures.get(key);
    if (all === undefined) return [];
    const kept = all.filter((t) => now - t < this.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else this.failures.set(key, kept);
    return kept;
  }

  /** How long until the key is allowed again (0: it is now). */
  blockedForMs(key: string, now: number): number {
    const recent = this.recent(key, now);
    if (recent.length < this.max) return 0;
    // Allowed again once enough of them aged out to go below max.
    const oldestThatMustAge = recent[recent.length - this.max] ?? now;
    return Math.max(1, oldestThatMustAge + this.windowMs - now);
  }

  add(key: string, now: number): void {
    const recent = this.recent(key, now);
    this.failures.delete(key);
    if (this.failures.size >= MAX_KEYS) {
      const oldest = this.failures.keys().next();
      if (oldest.done !== true) this.failures.delete(oldest.value);
    }
    this.failures.set(key, [...recent.slice(-(this.max - 1)), now]);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

export class LoginThrottle {
  private readonly accounts: FailureLog;
  private readonly addresses: FailureLog;

  constructor(
    limits: ThrottleLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.accounts = new FailureLog(limits.accountMax, limits.windowMs);
    this.addresses = new FailureLog(limits.addressMax, limits.windowMs);
  }

  /** Why this login may not even be checked now, or undefined when it may. */
  refusal(username: string, address: string): Refusal | undefined {
    const now = this.now();
    const account = this.accounts.blockedForMs(username, now);
    if (account > 0) return { reason: 'account_locked', retryAfterMs: account };
    const addr = this.addresses.blockedForMs(address, now);
    if (addr > 0) return { reason: 'address_limited', retryAfterMs: addr };
    return undefined;
  }

  failed(username: string, address: string): void {
    const now = this.now();
    this.accounts.add(username, now);
    this.addresses.add(address, now);
  }

  succeeded(address: string): void {
    this.addresses.clear(address);
  }
}
