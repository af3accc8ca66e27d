import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportHtml, HTML_DIR } from '../../../src/vault/export/html-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { importExportFixture } from '../../helpers/export-fixture.js';
import { expectGolden } from '../../helpers/golden.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';

process.env.TZ = 'America/New_York';
const ALL = new Set<ExportKind>(['sms', 'mms', 'calls']);
const vault = useVaults();
const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

async function exportFixture(pageSize: number): Promise<string> {
  const v = await vault();
  await importExportFixture(v);
  const out = tempDir();
  const result = await exportHtml(v, { kinds: ALL }, { outDir: out, pageSize, now: NOW });
  expect(result.warnings).toEqual([]);
  expect(fs.readdirSync(out)).toEqual([HTML_DIR]);
  return path.join(out, HTML_DIR);
}

describe('HTML export', () => {
  it('builds the golden site structure: index, paged conversations, calls, media by hash, thumbnails', async () => {
    const site = await exportFixture(2);
    const files = listFiles(site);
    expectGolden('html/files.txt', files.join('\n') + '\n');
    expectGolden('html/index.html', fs.readFileSync(path.join(site, 'index.html')));
    expectGolden('html/c-1-page-0002.html', fs.readFileSync(path.join(site, 'c/1/page-0002.html')));
    expectGolden('html/c-3-page-0001.html', fs.readFileSync(path.join(site, 'c/3/page-0001.html')));
    expectGolden('html/calls-page-0001.html', fs.readFileSync(path.join(site, 'calls/page-0001.html')));
    // Conversation 1 has 4 messages: two pages of two.
    expect(files.filter((f) => f.startsWith('c/1/'))).toEqual(['c/1/page-0001.html', 'c/1/page-0002.html']);
  });

  it('escapes every string and never uses a name from the backup as a path', async () => {
    const site = await exportFixture(1_000);
    for (const f of listFiles(site)) {
      // Only names the exporter made: fixed names, numbers, hashes with known extensions.
      expect(f).toMatch(/^(index\.html|style\.css|c\/\d+\/page-\d{4}\.html|calls\/page-\d{4}\.html|media\/[0-9a-f]{64}\.[a-z0-9]+|thumbs\/[0-9a-f]{64}\.webp)$/);
    }
    const pages = listFiles(site).filter((f) => f.endsWith('.html')).map((f) => fs.readFileSync(path.join(site, f), 'utf8'));
    const all = pages.join('\n');
    expect(all).not.toMatch(/<script/i);
    expect(all).toContain('Group hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(all).toContain('=1+1 &lt;b&gt;not bold&lt;/b&gt; &amp; more');
    expect(all).toContain('download="evil name&amp;_b_.png"');
    expect(all).not.toContain('../evil');
    expect(all).toContain('Hello, &quot;world&quot;');
    expect(all).toMatch(/<video controls preload="metadata" src="\.\.\/\.\.\/media\/[0-9a-f]{64}\.mp4">/);
    expect(all).toMatch(/<audio controls preload="metadata" src="\.\.\/\.\.\/media\/[0-9a-f]{64}\.mp3">/);
    expect(all).toMatch(/download="notes\.pdf">notes\.pdf \(9 B\)<\/a>/);
  });

  it('refuses to overwrite an earlier export and leaves no partial folder behind', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    await exportHtml(v, { kinds: ALL }, { outDir: out });
    await expect(exportHtml(v, { kinds: ALL }, { outDir: out })).rejects.toThrow(/already exists/);
    expect(fs.readdirSync(out)).toEqual([HTML_DIR]);
  });

  it('exports only the selection', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportHtml(v, { contact: 'Alice Example', kinds: new Set<ExportKind>(['sms', 'mms']) }, { outDir: out });
    expect([result.messages, result.calls]).toEqual([6, 0]);
    const files = listFiles(path.join(out, HTML_DIR));
    expect(files.filter((f) => f.startsWith('c/'))).toEqual(['c/1/page-0001.html', 'c/3/page-0001.html']);
    expect(files.some((f) => f.startsWith('calls/'))).toBe(false);
  });
});
