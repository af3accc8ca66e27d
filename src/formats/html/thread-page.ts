/**
 * One page of a conversation in the HTML export: bubbles like a phone's thread, day separators,
 * images as thumbnails linking to the full file, video and audio inline, other files as download
 * links keeping their original names. Every value from the archive is escaped; links point only
 * at files the exporter named (media by hash, pages by number).
 */
import { conversationTitle, personLabel, type AttachmentView, type ConversationView, type MessageView } from '../export-view.js';
import { dateOnly, shortDateTime } from '../time.js';
import { downloadName, escapeHtml, formatSize, mediaKind } from './escape.js';

/** Where the exporter put an attachment's bytes, relative to the site root. */
export interface MediaLink {
  file: string;
  thumb?: { file: string; width: number; height: number };
}

export type MediaLinker = (a: AttachmentView) => MediaLink | undefined;

export interface ThreadPage {
  conversation: ConversationView;
  /** 1-based. */
  page: number;
  pages: number;
  messages: readonly MessageView[];
  media: MediaLinker;
}

export function pageFileName(page: number): string {
  return `page-${String(page).padStart(4, '0')}.html`;
}

/** The relative path from a conversation page to the site root. */
const ROOT = '../../';

export function documentStart(title: string, cssHref: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="und">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    // No network: nothing may load from anywhere but the export's own files.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self' file: data:; style-src 'self' file: 'unsafe-inline'; script-src 'none'">\n` +
    `<title>${escapeHtml(title)}</title>\n<link rel="stylesheet" href="${cssHref}">\n</head>\n<body>\n`
  );
}

export function pager(page: number, pages: number, href: (p: number) => string): string {
  if (pages <= 1) return '';
  const shown = new Set<number>([1, pages]);
  for (let p = page - 3; p <= page + 3; p++) if (p >= 1 && p <= pages) shown.add(p);
  const items: string[] = [];
  if (page > 1) items.push(`<a href="${href(page - 1)}" rel="prev">‹ Older</a>`);
  let last = 0;
  for (const p of [...shown].sort((a, b) => a - b)) {
    if (p > last + 1) items.push('<span class="gap">…</span>');
    items.push(p === page ? `<span class="current">${p}</span>` : `<a href="${href(p)}">${p}</a>`);
    last = p;
  }
  if (page < pages) items.push(`<a href="${href(page + 1)}" rel="next">Newer ›</a>`);
  return `<nav class="pager">${items.join('')}</nav>\n`;
}

function attachmentHtml(a: AttachmentView, link: MediaLink | undefined): string {
  const name = downloadName(a.name, 'attachment');
  const label = `${escapeHtml(name)}${a.size === undefined ? '' : ` (${formatSize(a.size)})`}`;
  if (link === undefined) return `<span class="file">${label}: media not available in the archive</span>`;
  const href = ROOT + link.file;
  const download = `<a class="file" href="${href}" download="${escapeHtml(name)}">${label}</a>`;
  switch (mediaKind(a.contentType)) {
    case 'image':
      if (link.thumb === undefined) return download;
      return (
        `<a href="${href}"><img src="${ROOT + link.thumb.file}" width="${link.thumb.width}" height="${link.thumb.height}" ` +
        `alt="${escapeHtml(name)}" loading="lazy"></a>${download}`
      );
    case 'video':
      return `<video controls preload="metadata" src="${href}"></video>${download}`;
    case 'audio':
      return `<audio controls preload="metadata" src="${href}"></audio>${download}`;
    case 'file':
      return download;
  }
}

export function messageHtml(m: MessageView, group: boolean, media: MediaLinker): string {
  const sender = m.direction !== 'out' && group ? `<div class="sender">${escapeHtml(personLabel(m.sender))}</div>` : '';
  const text = m.text === '' ? '' : escapeHtml(m.text);
  const files = m.attachments.map((a) => attachmentHtml(a, media(a))).join('');
  return (
    `<div class="msg ${m.direction}">${sender}<div class="bubble">${text}${files}</div>` +
    `<div class="time">${escapeHtml(shortDateTime(m.dateMs))}${m.kind === 'mms' ? ' · MMS' : ''}</div></div>\n`
  );
}

export function renderThreadPage(p: ThreadPage): string {
  const c = p.conversation;
  const title = conversationTitle(c);
  const people = c.members.map(personLabel).join(', ');
  const nav = pager(p.page, p.pages, pageFileName);
  let html = documentStart(`${title} (${p.page}/${p.pages})`, `${ROOT}style.css`);
  html +=
    `<header class="top"><h1>${escapeHtml(title)}</h1>` +
    `<p>${escapeHtml(people)} · ${c.messages.toLocaleString('en-US')} messages · ${dateOnly(c.firstMs)} – ${dateOnly(c.lastMs)}` +
    ` · <a href="${ROOT}index.html">All conversations</a></p></header>\n<main>\n${nav}`;
  let day = '';
  for (const m of p.messages) {
    const d = dateOnly(m.dateMs);
    if (d !== day) {
      html += `<div class="day">${d}</div>\n`;
      day = d;
    }
    html += messageHtml(m, c.isGroup, p.media);
  }
  return `${html}${nav}</main>\n</body>\n</html>\n`;
}
