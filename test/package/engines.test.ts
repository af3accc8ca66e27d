/**
 * package.json's `engines` is a promise: every supported Node.js line installs every dependency
 * without an EBADENGINE warning. npm warns when a package's own `engines.node` excludes the
 * running Node, so each locked package must accept the lowest release of each supported line
 * (ranges are unions of ">=" floors, so the lowest is the hardest case).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

// semver ships no types; this is the one function the test needs.
const semver = createRequire(import.meta.url)('semver') as { satisfies(version: string, range: string): boolean; minVersion(range: string): { version: string } | null };

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Node 20 (this machine's default, until its end), 22 and 24 (the LTS a new user installs). */
const SUPPORTED = '^20.19.0 || ^22.13.0 || >=24';
const LOWEST = ['20.19.0', '22.13.0', '24.0.0'];

/** Packages npm never installs for textvault's users, each with why. */
const NEVER_INSTALLED: Record<string, string> = {
  // sharp's build for 32-bit Windows, which has no Node 22+ build of its own; npm installs it only there.
  'node_modules/@img/sharp-win32-ia32': '32-bit Windows only',
};

const Lock = z.object({
  packages: z.record(z.string(), z.object({ version: z.string().optional(), engines: z.object({ node: z.string().optional() }).optional() })),
});
const Pkg = z.object({ engines: z.object({ node: z.string() }) });

describe('engines', () => {
  const pkg = Pkg.parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
  const lock = Lock.parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')));

  it('package.json supports Node 20.19, 22.13 and 24 and nothing older', () => {
    expect(pkg.engines.node).toBe(SUPPORTED);
    for (const v of LOWEST) expect(semver.satisfies(v, pkg.engines.node)).toBe(true);
    for (const v of ['18.20.0', '20.18.0', '21.7.0', '22.12.0', '23.11.0']) expect(semver.satisfies(v, pkg.engines.node), v).toBe(false);
    expect(semver.minVersion(pkg.engines.node)?.version).toBe(LOWEST[0]);
  });

  it('every locked dependency accepts every supported Node line (no EBADENGINE from npm ci)', () => {
    const refusing: string[] = [];
    let checked = 0;
    for (const [where, p] of Object.entries(lock.packages)) {
      const range = p.engines?.node;
      if (where === '' || range === undefined || where in NEVER_INSTALLED) continue;
      checked++;
      for (const v of LOWEST) if (!semver.satisfies(v, range)) refusing.push(`${where}@${p.version ?? '?'} wants node ${range}, not ${v}`);
    }
    expect(checked).toBeGreaterThan(50);
    expect(refusing).toEqual([]);
  });
});
