/**
 * One PDF transcript per conversation (`<title>-<id>.pdf`), printed by Debian's Chromium
 * (playwright-core `page.pdf`) from print HTML (formats/html/print-page.ts): Chromium shapes every
 * script with the system's Noto fonts (CJK, Cyrillic, Arabic, colour emoji), which no pure-JS
 * PDF library does.
 *
 * Memory stays bounded for any conversation length: messages are printed in chunks of
 * `chunkSize` (default 2,000), each a separate page load whose PDF goes to a temp file. A
 * conversation that fits in one chunk is that PDF, page-numbered by Chromium's footerTemplate.
 * Longer ones: each chunk's PDF is stamped with its global page numbers by pdf-lib on its own
 * (Chromium numbers each chunk from 1), then the stamped chunks are joined on disk by poppler's
 * `pdfunite`, so no process ever holds the whole transcript (pdf-lib joining in memory took
 * 367 MB for 50,000 messages). Each PDF is written under a temp name and renamed when complete.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts, rgb } from 'pdf-lib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { conversationTitle, type ConversationView, type MessageView } from '../../formats/export-view.js';
import { escapeHtml } from '../../formats/html/escape.js';
import { renderTranscriptChunk, titleSlug } from '../../formats/html/print-page.js';
import type { Vault } from '../vault.js';
import { throttled, type ExportProgress, type ExportResult } from './export-result.js';
import { ExportMedia } from './media-files.js';
import { prepareOutDir, writeAtomically } from './output.js';
import { ExportError } from './sbr-export.js';
import { resolveSelection, SelectionError, type ExportSelection } from './selection.js';
import { ViewReader } from './view-reader.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** Joins chunk PDFs on disk (Debian: poppler-utils); only needed for conversations longer than a chunk. */
export const DEFAULT_PDFUNITE = 'pdfunite';
export const DEFAULT_CHUNK = 2_000;
/** Print size of inline images, in CSS pixels (rendered from a thumbnail twice that size). */
const PRINT_IMAGE_PX = 360;

export interface PdfExportOptions extends ExportProgress {
  outDir: string;
  /** Messages printed per Chromium page load. */
  chunkSize?: number;
  /** Chromium binary; default $TEXTVAULT_CHROMIUM or /usr/bin/chromium. */
  chromiumPath?: string;
  now?: Date;
}

const MARGIN = { top: '14mm', bottom: '16mm', left: '14mm', right: '14mm' };

export async function exportPdf(vault: Vault, selection: ExportSelection, options: PdfExportOptions): Promise<ExportResult> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
  const sel = await resolveSelection(vault, selection);
  const views = new ViewReader(vault);
  const conversations = views.conversations(sel);
  const messageTotal = conversations.reduce((n, c) => n + c.messages, 0);
  if (messageTotal === 0) throw new SelectionError('nothing to export: PDF transcripts hold messages and the selection has none (calls are not printed; use --types sms,mms)');
  const executable = options.chromiumPath ?? process.env.TEXTVAULT_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (!fs.existsSync(executable)) {
    throw new ExportError(`PDF export needs Chromium at ${executable}: install it (apt install chromium) or set TEXTVAULT_CHROMIUM`);
  }
  prepareOutDir(options.outDir);
  const result: ExportResult = { format: 'pdf', files: [], messages: messageTotal, calls: 0, warnings: [] };
  const progress = throttled(options.onProgress, messageTotal);
  const work = fs.mkdtempSync(path.join(options.outDir, '.textvault-pdf-'));
  const exportedAt = (options.now ?? new Date()).getTime();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: executable,
      args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu'],
    });
    const context = await browser.newContext({ offline: true });
    // Transcripts are local files only; anything else is refused.
    await context.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
    const page = await context.newPage();
    const media = new ExportMedia(vault, work, { thumbnails: true, thumbCssPx: PRINT_IMAGE_PX, warnings: result.warnings });
    const byId = new Map(conversations.map((c) => [c.id, c]));
    for (const c of conversations) {
      const file = path.join(options.outDir, `${titleSlug(c)}-${c.id}.pdf`);
      const bytes = await printConversation(page, c, views.messages(sel, byId, c.id), { work, media, chunkSize, exportedAt, file, tick: () => {
          progress.tick();
        },
      });
      result.files.push({ path: file, kind: 'conversation', records: c.messages, bytes });
    }
  } finally {
    await browser?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  progress.done();
  return result;
}

function footer(c: ConversationView, numbered: boolean): string {
  const title = escapeHtml(conversationTitle(c));
  const numbers = numbered ? 'Page <span class="pageNumber"></span> of <span class="totalPages"></span>' : '';
  return (
    `<div style="font-size:8px;width:100%;margin:0 14mm;color:#555;display:flex;justify-content:space-between;font-family:'Noto Sans',sans-serif">` +
    `<span>${title}</span><span>${numbers}</span></div>`
  );
}

async function printConversation(
  page: Page,
  c: ConversationView,
  messages: Iterable<MessageView>,
  ctx: { work: string; media: ExportMedia; chunkSize: number; exportedAt: number; file: string; tick: () => void },
): Promise<number> {
  const chunks = Math.max(1, Math.ceil(c.messages / ctx.chunkSize));
  const parts: string[] = [];
  const pageCounts: number[] = [];
  let batch: MessageView[] = [];
  const flush = async (): Promise<void> => {
    const index = parts.length;
    const links = await ctx.media.linkAll(batch.flatMap((m) => m.attachments));
    const html = renderTranscriptChunk({
      conversation: c,
      messages: batch,
      media: (a) => (a.sha256 === undefined ? undefined : links.get(a.sha256)),
      first: index === 0,
      exportedAt: ctx.exportedAt,
    });
    const htmlFile = path.join(ctx.work, `chunk.html`);
    fs.writeFileSync(htmlFile, html);
    await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 0 });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer(c, chunks === 1),
      margin: MARGIN,
    });
    const part = path.join(ctx.work, `part-${index}.pdf`);
    fs.writeFileSync(part, pdf);
    parts.push(part);
    // Counted while the chunk is in hand: the joined numbering needs every chunk's page count.
    if (chunks > 1) pageCounts.push((await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount());
    batch = [];
  };
  for (const m of messages) {
    batch.push(m);
    ctx.tick();
    if (batch.length === ctx.chunkSize) await flush();
  }
  if (batch.length > 0 || parts.length === 0) await flush();
  try {
    if (parts.length === 1 && parts[0] !== undefined) {
      const only = parts[0];
      return await writeAtomically(ctx.file, async (out) => {
        await out.write(fs.readFileSync(only));
      });
    }
    const joined = await concatenate(parts, pageCounts, ctx.work);
    try {
      return await writeAtomically(ctx.file, async (out) => {
        for await (const chunk of fs.createReadStream(joined, { highWaterMark: 1 << 20 })) await out.write(chunk as Buffer);
      });
    } finally {
      fs.rmSync(joined, { force: true });
    }
  } finally {
    for (const p of parts) fs.rmSync(p, { force: true });
  }
}

/**
 * Numbers the pages of every chunk "Page n of N" where Chromium's footer leaves room, one chunk
 * in memory at a time, then joins the stamped chunks with pdfunite. Returns the joined file.
 */
async function concatenate(parts: string[], counts: number[], work: string): Promise<string> {
  const total = counts.reduce((a, b) => a + b, 0);
  const mm = 72 / 25.4;
  let first = 0;
  const stamped: string[] = [];
  for (const [i, part] of parts.entries()) {
    const doc = await PDFDocument.load(fs.readFileSync(part));
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.getPages().forEach((p, k) => {
      const text = `Page ${first + k + 1} of ${total}`;
      const size = 6;
      const width = font.widthOfTextAtSize(text, size);
      // Chromium's footer sits in the bottom margin; the number goes at its right end.
      p.drawText(text, { x: p.getWidth() - 14 * mm - width, y: 16 * mm * 0.37, size, font, color: rgb(0.33, 0.33, 0.33) });
    });
    first += counts[i] ?? 0;
    const out = path.join(work, `stamped-${i}.pdf`);
    fs.writeFileSync(out, await doc.save());
    stamped.push(out);
  }
  const joined = path.join(work, 'joined.pdf');
  const pdfunite = process.env.TEXTVAULT_PDFUNITE ?? DEFAULT_PDFUNITE;
  try {
    await promisify(execFile)(pdfunite, [...stamped, joined]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExportError(
      code === 'ENOENT'
        ? `a transcript longer than one chunk is joined with pdfunite, which is not installed: apt install poppler-utils (or set TEXTVAULT_PDFUNITE)`
        : `pdfunite could not join the transcript's chunks: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    for (const f of stamped) fs.rmSync(f, { force: true });
  }
  return joined;
}
