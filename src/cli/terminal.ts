/**
 * What the CLI prints comes largely from backup files: contact names, message text, file names,
 * error messages that quote them. A name holding `ESC[2J` or an OSC sequence would clear the
 * screen, retitle the window or worse once printed raw. Everything on standard output passes
 * through `terminalSafe` (installed by program.ts), as do the error lines on standard error; the
 * progress bar's own escapes on standard error are ours and stay as they are.
 */

/** C0 controls but tab and newline, DEL, C1 controls, and the bidi overrides that disguise text. */
function unsafe(c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || c === 0x200e || c === 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/**
 * `text` with each unsafe character written as a `\uXXXX` escape: readable, inert in a terminal,
 * and inside a JSON string still the same JSON (so --json output stays valid and exact).
 */
export function terminalSafe(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!unsafe(c)) continue;
    out += `${text.slice(from, i)}\\u${c.toString(16).padStart(4, '0')}`;
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

type WriteCallback = (err?: Error | null) => void;

const escaped = new WeakSet<NodeJS.WriteStream>();

/** Makes every string written to `stream` pass through terminalSafe (once, however often called). */
export function escapeControls(stream: NodeJS.WriteStream): void {
  if (escaped.has(stream)) return;
  escaped.add(stream);
  const write = stream.write.bind(stream);
  const safeWrite = (chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | WriteCallback, callback?: WriteCallback): boolean => {
    const safe = typeof chunk === 'string' ? terminalSafe(chunk) : chunk;
    if (typeof encodingOrCallback === 'function') return write(safe, encodingOrCallback);
    return write(safe, encodingOrCallback, callback);
  };
  stream.write = safeWrite;
}
