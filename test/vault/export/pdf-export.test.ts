import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPdf } from '../../../src/vault/export/pdf-export.js';
import type { ExportKind } from '../../../src/vault/export/selection.js';
import { importExportFixture } from '../../helpers/export-fixture.js';
import { tempDir } from '../../helpers/temp.js';
import { CHROMIUM, lacks, NOTO_FONTS, POPPLER, programPath } from '../../helpers/system.js';
import { useVaults } from '../../helpers/vault.js';

process.env.TZ = 'UTC';
const MESSAGES = new Set<ExportKind>(['sms', 'mms']);
const vault = useVaults();
// Chromium prints, poppler reads the PDFs back (and joins long ones), the Noto fonts draw every
// script: skipped, with a note at the end of the run, where one is missing.
const noPdf = lacks(CHROMIUM, POPPLER, NOTO_FONTS);
if (!noPdf) process.env.TEXTVAULT_CHROMIUM ??= programPath(CHROMIUM);

function pdftotext(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** pdftotext may break lines and spaces differently from the source: compare without whitespace. */
function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

function pdfImages(file: string): number {
  return execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length - 2;
}

describe.skipIf(noPdf)('PDF export', () => {
  it('prints one transcript per conversation with every message, every script, images and page numbers', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportPdf(v, { kinds: MESSAGES }, { outDir: out });
    expect(result.files.map((f) => [path.basename(f.path), f.records])).toEqual([
      ['Alice-Example-1.pdf', 4],
      ['Борис-2.pdf', 3],
      ['Alice-Example-Борис-3.pdf', 2],
      ['15550001003-4.pdf', 1],
    ]);
    expect(fs.readdirSync(out).sort()).toEqual(result.files.map((f) => path.basename(f.path)).sort());

    const alice = pdftotext(path.join(out, 'Alice-Example-1.pdf'));
    expect(alice).toContain('Participants: Me, Alice Example (+15550001001)');
    expect(alice).toContain('Messages: 4');
    expect(alice).toContain('Dates: 2024-06-01 00:00 – 2024-06-01 00:06');
    expect(alice).toContain('Page 1 of 1');
    for (const text of ['Hello, "world"', 'Line one', 'Line two', '你好世界 🎉 こんにちは 한국어 😀', 'A photo for you', '2024-06-01 00:02']) {
      expect(squash(alice)).toContain(squash(text));
    }
    expect(alice).toContain('Attachment: evil name&_b_.png (image/png, 137 B)');
    expect(pdfImages(path.join(out, 'Alice-Example-1.pdf'))).toBeGreaterThanOrEqual(1);

    const boris = pdftotext(path.join(out, 'Борис-2.pdf'));
    for (const text of ['Привет, как дела?', 'مرحبا بالعالم', '=1+1 <b>not bold</b> & more']) expect(squash(boris)).toContain(squash(text));
    const group = pdftotext(path.join(out, 'Alice-Example-Борис-3.pdf'));
    expect(squash(group)).toContain(squash('Group hello <script>alert(1)</script>'));
    expect(group).toContain('Attachment: clip.mp4 (video/mp4, 42 B)');
    expect(group).toContain('Attachment: notes.pdf (application/pdf, 9 B)');
  }, 60_000);

  it('prints a long conversation in chunks and numbers the joined pages', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const result = await exportPdf(v, { conversationId: 1, kinds: MESSAGES }, { outDir: out, chunkSize: 1 });
    expect(result.files).toHaveLength(1);
    const file = result.files[0]?.path ?? '';
    const text = pdftotext(file);
    // Four chunks of one message, each at least a page: numbered across the whole file.
    expect(text).toContain('Page 1 of 4');
    expect(text).toContain('Page 4 of 4');
    expect(text.match(/Participants:/g)).toHaveLength(1);
    for (const t of ['Hello, "world"', '你好世界 🎉', 'A photo for you']) expect(squash(text)).toContain(squash(t));
  }, 60_000);

  it('says what to install when pdfunite (which joins long transcripts) is missing, and leaves no PDF', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = tempDir();
    const saved = process.env.TEXTVAULT_PDFUNITE;
    process.env.TEXTVAULT_PDFUNITE = '/nonexistent/pdfunite';
    try {
      await expect(exportPdf(v, { conversationId: 1, kinds: MESSAGES }, { outDir: out, chunkSize: 1 })).rejects.toThrow(/pdfunite, which is not installed: apt install poppler-utils/);
    } finally {
      if (saved === undefined) delete process.env.TEXTVAULT_PDFUNITE;
      else process.env.TEXTVAULT_PDFUNITE = saved;
    }
    expect(fs.readdirSync(out).filter((f) => f.endsWith('.pdf'))).toEqual([]);
  }, 60_000);

  it('says what to do when Chromium is missing, and writes nothing', async () => {
    const v = await vault();
    await importExportFixture(v);
    const out = path.join(tempDir(), 'pdf');
    await expect(exportPdf(v, { kinds: MESSAGES }, { outDir: out, chromiumPath: '/nonexistent/chromium' })).rejects.toThrow(/needs Chromium at \/nonexistent\/chromium/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
