/** The export's one stylesheet (`style.css`): a phone-like thread, light and dark, no web fonts. */
export const SITE_CSS = `:root {
  --bg: #f4f5f7; --fg: #1d1f23; --muted: #667085; --in: #e5e7eb; --in-fg: #111827;
  --out: #2563eb; --out-fg: #ffffff; --card: #ffffff; --line: #d0d5dd; --link: #1d4ed8;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #111418; --fg: #e6e8eb; --muted: #98a2b3; --in: #262b33; --in-fg: #e6e8eb;
    --out: #2f6fec; --out-fg: #ffffff; --card: #1a1e24; --line: #344054; --link: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic", sans-serif, "Noto Color Emoji"; }
a { color: var(--link); }
header.top { position: sticky; top: 0; background: var(--card); border-bottom: 1px solid var(--line); padding: 10px 16px; z-index: 1; }
header.top h1 { font-size: 18px; margin: 0; }
header.top p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
main { max-width: 760px; margin: 0 auto; padding: 12px 16px 40px; }
nav.pager { display: flex; flex-wrap: wrap; gap: 6px; margin: 12px 0; font-size: 14px; }
nav.pager a, nav.pager span { padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px; text-decoration: none; }
nav.pager span.current { background: var(--out); color: var(--out-fg); border-color: var(--out); }
.day { text-align: center; color: var(--muted); font-size: 12px; margin: 18px 0 8px; }
.msg { display: flex; flex-direction: column; margin: 3px 0; }
.msg.out { align-items: flex-end; }
.msg.in, .msg.unknown { align-items: flex-start; }
.sender { font-size: 12px; color: var(--muted); margin: 6px 12px 1px; }
.bubble { max-width: 78%; padding: 7px 12px; border-radius: 18px; white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; }
.in .bubble, .unknown .bubble { background: var(--in); color: var(--in-fg); border-bottom-left-radius: 4px; }
.out .bubble { background: var(--out); color: var(--out-fg); border-bottom-right-radius: 4px; }
.out .bubble a { color: var(--out-fg); }
.bubble img { display: block; max-width: 100%; height: auto; border-radius: 10px; margin: 4px 0; }
.bubble video { display: block; max-width: 100%; max-height: 360px; margin: 4px 0; border-radius: 10px; }
.bubble audio { display: block; max-width: 100%; margin: 4px 0; }
.file { display: block; font-size: 13px; margin: 2px 0; }
.time { font-size: 11px; color: var(--muted); margin: 1px 12px 0; }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); font-size: 14px; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.muted { color: var(--muted); }
`;

/** Tallest printed image, in CSS pixels: 8 cm (96 px per inch). */
export const PRINT_IMAGE_MAX_HEIGHT_PX = 302;

/** Styles of the print transcript (PDF): plain, black on white, every message in a row. */
export const PRINT_CSS = `@page { size: A4; margin: 16mm 14mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #111; font: 10.5pt/1.35 "Noto Sans", "Noto Sans CJK SC", "Noto Sans Arabic", "Noto Naskh Arabic", sans-serif, "Noto Color Emoji"; }
h1 { font-size: 15pt; margin: 0 0 4pt; }
.meta { margin: 0 0 2pt; color: #444; }
.meta b { color: #111; }
hr { border: 0; border-top: 1px solid #999; margin: 8pt 0; }
.m { break-inside: avoid; padding: 3pt 0 4pt; border-bottom: 0.5pt solid #ddd; }
.h { font-size: 8.5pt; color: #555; }
.h b { color: #111; }
.t { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: plaintext; margin-top: 1pt; }
.out .h b { color: #1e40af; }
/* height: auto so a max-width that narrows an image shortens it in proportion. */
img { display: block; max-width: 70%; height: auto; margin: 3pt 0; }
.f { font-size: 9pt; color: #333; }
`;
