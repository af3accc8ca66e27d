/**
 * An installed package has its `dependencies` only: a module the server or CLI imports from a
 * devDependency works in a checkout and fails for every user (`Cannot find package`). Many
 * imports are lazy (a format's reader, an export job), so running the package cannot reach them
 * all; this reads every import in src/ instead.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ROOT = path.resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(e.name) ? [full] : [];
  });
}

/** The package a specifier names: `@scope/name` or `name`, without a subpath. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

/** Packages `text` loads at run time: static imports and re-exports (not `import type`) and import(). */
function runtimeImports(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?'([^']+)'/gm)) if (m[1] !== undefined) found.add(m[1]);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) if (m[1] !== undefined) found.add(m[1]);
  return [...found].filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !builtinModules.includes(s)).map(packageOf);
}

describe('dependencies', () => {
  it('finds static, side-effect and dynamic imports, and skips type-only ones', () => {
    const text = [
      "import fs from 'node:fs';",
      "import { a, type B } from 'pkg-a/sub';",
      "import type { C } from 'types-only';",
      "import '@scope/side-effect';",
      "export { d } from 'pkg-d';",
      "const e = await import('pkg-e');",
      "import x from './local.js';",
    ].join('\n');
    expect(runtimeImports(text).sort()).toEqual(['@scope/side-effect', 'pkg-a', 'pkg-d', 'pkg-e']);
  });

  it('every package src/ loads at run time is a dependency, not a devDependency', () => {
    const pkg = z.object({ dependencies: z.record(z.string(), z.string()) }).parse(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')));
    const missing = new Set<string>();
    let files = 0;
    for (const file of sourceFiles(path.join(ROOT, 'src'))) {
      files++;
      for (const name of runtimeImports(fs.readFileSync(file, 'utf8'))) if (!(name in pkg.dependencies)) missing.add(`${name} (${path.relative(ROOT, file)})`);
    }
    expect(files).toBeGreaterThan(100);
    expect([...missing]).toEqual([]);
  });
});
