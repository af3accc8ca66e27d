/** The HTML export's start page (conversations) and its call-log pages. */
import { conversationTitle, personLabel, type CallView, type ConversationView } from '../export-view.js';
import { dateOnly, duration, shortDateTime } from '../time.js';
import { escapeHtml } from './escape.js';
import { documentStart, pageFileName, pager } from './thread-page.js';

export function conversationHref(c: ConversationView): string {
  return `c/${c.id}/${pageFileName(1)}`;
}

export function renderIndex(conversations: readonly ConversationView[], calls: number, generatedAt: number): string {
  let html = documentStart('Textvault export', 'style.css');
  html +=
    `<header class="top"><h1>Textvault export</h1><p>${conversations.length.toLocaleString('en-US')} conversations` +
    (calls > 0 ? ` · <a href="calls/${pageFileName(1)}">call log (${calls.toLocaleString('en-US')} calls)</a>` : '') +
    ` · exported ${escapeHtml(shortDateTime(generatedAt))}</p></header>\n<main>\n`;
  html += '<table>\n<thead><tr><th>Conversation</th><th>Messages</th><th>From</th><th>To</th></tr></thead>\n<tbody>\n';
  for (const c of conversations) {
    const people = c.members.map(personLabel).join(', ');
    html +=
      `<tr><td><a href="${conversationHref(c)}">${escapeHtml(conversationTitle(c))}</a><br><span class="muted">${escapeHtml(people)}</span></td>` +
      `<td class="n">${c.messages.toLocaleString('en-US')}</td><td class="n">${dateOnly(c.firstMs)}</td><td class="n">${dateOnly(c.lastMs)}</td></tr>\n`;
  }
  return `${html}</tbody>\n</table>\n</main>\n</body>\n</html>\n`;
}

export function renderCallsPage(calls: readonly CallView[], page: number, pages: number): string {
  const nav = pager(page, pages, pageFileName);
  let html = documentStart(`Call log (${page}/${pages})`, '../style.css');
  html += `<header class="top"><h1>Call log</h1><p><a href="../index.html">All conversations</a></p></header>\n<main>\n${nav}`;
  html += '<table>\n<thead><tr><th>Date</th><th>Type</th><th>Who</th><th>Duration</th></tr></thead>\n<tbody>\n';
  for (const c of calls) {
    html +=
      `<tr><td class="n">${escapeHtml(shortDateTime(c.dateMs))}</td><td>${c.type}</td><td>${escapeHtml(personLabel(c.person))}</td>` +
      `<td class="n">${duration(c.durationS)}</td></tr>\n`;
  }
  return `${html}</tbody>\n</table>\n${nav}</main>\n</body>\n</html>\n`;
}
