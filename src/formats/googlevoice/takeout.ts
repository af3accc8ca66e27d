/**
 * Telling a Google Takeout's Voice data from other files and folders, apart from the reader so
 * that detection loads no HTML parser (FORMATS.md section 7.7). A Takeout holds Voice as
 * `Takeout/Voice/Calls/*.html` (one page per conversation or call, attachments beside them) and
 * `Takeout/Voice/Phones.vcf`; it is recognised by that layout *and* by its pages' content (the
 * `hChatLog` or `haudio` microformat classes Google writes), never by names alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDirectory, readFileStart } from '../file-head.js';

/** A page of Voice's `Calls/` folder, anywhere in a ZIP (`Takeout/Voice/Calls/x.html`, or without `Takeout/`). */
const PAGE_NAME = /(?:^|\/)Voice\/Calls\/[^/]+\.html$/i;
/** Enough of a page to get past its prolog and `<style>` block (~1.5 KiB) to the first `<div class=...>`. */
export const PAGE_HEAD_BYTES = 16 * 1024;
/** Pages looked at before a folder is declared not to be Voice's (a Calls/ folder of other HTML). */
const PAGES_SAMPLED = 8;

export function isVoicePageName(name: string): boolean {
  return PAGE_NAME.test(name);
}

/** True when the start of an HTML file is a Google Voice page: a conversation (`hChatLog`) or a call (`haudio`). */
export function isVoicePage(head: Buffer): boolean {
  const text = head.toString('utf8');
  if (!/<html[\s>]/i.test(text)) return false;
  return /<div\s+class="(?:hChatLog hfeed|haudio)"/.test(text);
}

/**
 * The Voice folder of a Takeout given as a folder: `dir` itself (`Voice/`), or `dir/Voice`, or
 * `dir/Takeout/Voice` (the extracted ZIP); it holds `Calls/`. Undefined for other folders.
 */
export function voiceFolder(dir: string): string | undefined {
  for (const root of [dir, path.join(dir, 'Voice'), path.join(dir, 'Takeout', 'Voice')]) {
    if (isDirectory(path.join(root, 'Calls'))) return root;
  }
  return undefined;
}

/** True when `dir` is (or holds) a Takeout's Voice folder whose Calls/ pages are Voice's. */
export function isVoiceFolder(dir: string): boolean {
  const root = voiceFolder(dir);
  if (root === undefined) return false;
  const calls = path.join(root, 'Calls');
  let pages: string[];
  try {
    pages = fs
      .readdirSync(calls, { withFileTypes: true })
      .filter((d) => d.isFile() && /\.html$/i.test(d.name))
      .map((d) => d.name)
      .sort()
      .slice(0, PAGES_SAMPLED);
  } catch {
    return false;
  }
  return pages.some((p) => isVoicePage(readFileStart(path.join(calls, p), PAGE_HEAD_BYTES)));
}

