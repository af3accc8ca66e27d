/**
 * Writes the selection as a self-contained offline site (`textvault-html/`): `index.html` lists
 * the conversations, `c/<id>/page-NNNN.html` holds at most `pageSize` messages each, `calls/` the
 * call log, `media/` and `thumbs/` the files, `style.css` the look. No script, no network: it reads
 * from file://. The site is built in `textvault-html.partial-<pid>` and renamed when complete.
 * Memory holds one page of messages, the conversation list and a bounded media cache.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CallView, ConversationView, MessageView } from '../../formats/export-view.js';
import { renderCallsPage, renderIndex } from '../../formats/html/index-page.js';
import { SITE_CSS } from '../../formats/html/styles.js';
import { pageFileName, renderThreadPage } from '../../formats/html/thread-page.js';
import type { Vault } from '../vault.js';
import { throttled, type ExportProgress, type ExportResult } from './export-result.js';
import { ExportMedia } from './media-files.js';
import { prepareOutDir } from './output.js';
import { ExportError } from './sbr-export.js';
import { resolveSelection, SelectionError, type ExportSelection } from './selection.js';
import { ViewReader } from './view-reader.js';

export const HTML_DIR = 'textvault-html';
export const DEFAULT_PAGE_SIZE = 1_000;

export interface HtmlExportOptions extends ExportProgress {
  outDir: string;
  /** Messages (and calls) per page; default 1,000. */
  pageSize?: number;
  /** Make image thumbnails (default true). */
  thumbnails?: boolean;
  now?: Date;
}

export async function exportHtml(vault: Vault, selection: ExportSelection, options: HtmlExportOptions): Promise<ExportResult> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new SelectionError(`--page-size must be 1 or more (got ${pageSize})`);
  const sel = await resolveSelection(vault, selection);
  const views = new ViewReader(vault);
  const conversations = views.conversations(sel);
  const messageTotal = conversations.reduce((n, c) => n + c.messages, 0);
  const callTotal = views.countCalls(sel);
  if (messageTotal + callTotal === 0) throw new SelectionError('nothing to export: the selection holds no messages or calls');
  prepareOutDir(options.outDir);
  const final = path.join(options.outDir, HTML_DIR);
  if (fs.existsSync(final)) throw new ExportError(`${final} already exists; remove it or choose another folder with --out`);
  const temp = `${final}.partial-${process.pid}`;
  fs.rmSync(temp, { recursive: true, force: true });
  fs.mkdirSync(temp);
  const result: ExportResult = { format: 'html', files: [], messages: messageTotal, calls: callTotal, warnings: [] };
  const progress = throttled(options.onProgress, messageTotal + callTotal);
  let bytes = 0;
  const write = (rel: string, content: string): void => {
    const file = path.join(temp, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    bytes += Buffer.byteLength(content);
  };

  try {
    const media = new ExportMedia(vault, temp, { thumbnails: options.thumbnails ?? true, warnings: result.warnings });
    write('style.css', SITE_CSS);
    const byId = new Map(conversations.map((c) => [c.id, c]));
    for (const c of conversations) {
      await writeConversation(c, views, sel, byId, pageSize, media, write, () => {
        progress.tick();
      });
    }
    if (callTotal > 0) {
      const pages = Math.ceil(callTotal / pageSize);
      let page = 0;
      let batch: CallView[] = [];
      const flush = (): void => {
        page++;
        write(`calls/${pageFileName(page)}`, renderCallsPage(batch, page, Math.max(pages, page)));
        batch = [];
      };
      for (const call of views.calls(sel)) {
        batch.push(call);
        progress.tick();
        if (batch.length === pageSize) flush();
      }
      if (batch.length > 0) flush();
    }
    write('index.html', renderIndex(conversations, callTotal, (options.now ?? new Date()).getTime()));
    fs.renameSync(temp, final);
  } catch (e) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw e;
  }
  progress.done();
  result.files.push({ path: final, kind: 'site', records: messageTotal + callTotal, bytes });
  return result;
}

async function writeConversation(
  c: ConversationView,
  views: ViewReader,
  sel: Awaited<ReturnType<typeof resolveSelection>>,
  byId: ReadonlyMap<number, ConversationView>,
  pageSize: number,
  media: ExportMedia,
  write: (rel: string, content: string) => void,
  tick: () => void,
): Promise<void> {
  const pages = Math.max(1, Math.ceil(c.messages / pageSize));
  let page = 0;
  let batch: MessageView[] = [];
  const flush = async (): Promise<void> => {
    page++;
    const links = await media.linkAll(batch.flatMap((m) => m.attachments));
    const html = renderThreadPage({
      conversation: c,
      page,
      // The archive cannot change under an export (it holds the vault open), but stay consistent if it did.
      pages: Math.max(pages, page),
      messages: batch,
      media: (a) => (a.sha256 === undefined ? undefined : links.get(a.sha256)),
    });
    write(`c/${c.id}/${pageFileName(page)}`, html);
    batch = [];
  };
  for (const m of views.messages(sel, byId, c.id)) {
    batch.push(m);
    tick();
    if (batch.length === pageSize) await flush();
  }
  if (batch.length > 0 || page === 0) await flush();
}
