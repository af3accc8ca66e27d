/**
 * A conversation as a print transcript (the PDF export renders these with Chromium): a header
 * with participants, date range and message count, then every message with its date and time,
 * sender, text, images inline (scaled) and other media by name and size. Long conversations are
 * printed in chunks; only the first carries the header.
 */
import { conversationTitle, personLabel, type ConversationView, type MessageView } from '../export-view.js';
import { shortDateTime } from '../time.js';
import { downloadName, escapeHtml, formatSize, mediaKind } from './escape.js';
import { PRINT_CSS, PRINT_IMAGE_MAX_HEIGHT_PX } from './styles.js';
import type { MediaLinker } from './thread-page.js';

export interface TranscriptChunk {
  conversation: ConversationView;
  messages: readonly MessageView[];
  /** Links relative to the chunk's HTML file. */
  media: MediaLinker;
  /** The first chunk carries the transcript's header. */
  first: boolean;
  exportedAt: number;
}

function transcriptHeader(c: ConversationView, exportedAt: number): string {
  const people = c.members.map(personLabel).join(', ');
  return (
    `<h1>${escapeHtml(conversationTitle(c))}</h1>\n` +
    `<p class="meta"><b>Participants:</b> Me, ${escapeHtml(people)}</p>\n` +
    `<p class="meta"><b>Dates:</b> ${escapeHtml(shortDateTime(c.firstMs))} – ${escapeHtml(shortDateTime(c.lastMs))}</p>\n` +
    `<p class="meta"><b>Messages:</b> ${c.messages.toLocaleString('en-US')}</p>\n` +
    `<p class="meta"><b>Exported:</b> ${escapeHtml(shortDateTime(exportedAt))} by Textvault</p>\n<hr>\n`
  );
}

/**
 * The printed size of an image: its thumbnail size shrunk, aspect ratio kept, to at most
 * PRINT_IMAGE_MAX_HEIGHT_PX high. Done here rather than by a CSS max-height: with the width
 * fixed by the attribute, max-height shortened only the height and squashed portrait and square
 * photos (issue 26 item 6).
 */
export function printBox(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, PRINT_IMAGE_MAX_HEIGHT_PX / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export function renderTranscriptChunk(t: TranscriptChunk): string {
  let html =
    '<!DOCTYPE html>\n<html lang="und">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'self' file: data:; style-src 'unsafe-inline'; script-src 'none'">\n` +
    `<title>${escapeHtml(conversationTitle(t.conversation))}</title>\n<style>${PRINT_CSS}</style>\n</head>\n<body>\n`;
  if (t.first) html += transcriptHeader(t.conversation, t.exportedAt);
  for (const m of t.messages) {
    const to = m.direction === 'in' && !t.conversation.isGroup ? '' : ` → ${escapeHtml(m.recipients.map(personLabel).join(', '))}`;
    html += `<div class="m ${m.direction}"><div class="h">${escapeHtml(shortDateTime(m.dateMs))} · <b>${escapeHtml(personLabel(m.sender))}</b>${to}${m.kind === 'mms' ? ' · MMS' : ''}</div>`;
    if (m.text !== '') html += `<div class="t">${escapeHtml(m.text)}</div>`;
    for (const a of m.attachments) {
      const name = escapeHtml(downloadName(a.name, 'attachment'));
      const size = a.size === undefined ? 'not in the archive' : formatSize(a.size);
      const link = t.media(a);
      if (link?.thumb !== undefined && mediaKind(a.contentType) === 'image') {
        const box = printBox(link.thumb.width, link.thumb.height);
        html += `<img src="${link.thumb.file}" width="${box.width}" height="${box.height}" alt="${name}">`;
      }
      html += `<div class="f">Attachment: ${name} (${escapeHtml(a.contentType)}, ${size})</div>`;
    }
    html += '</div>\n';
  }
  return `${html}</body>\n</html>\n`;
}

/** A file-name fragment from a conversation's title: letters and digits only, never a path. */
export function titleSlug(c: ConversationView): string {
  const slug = conversationTitle(c)
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug === '' ? 'conversation' : slug;
}
