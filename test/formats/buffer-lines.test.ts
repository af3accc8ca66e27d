/**
 * BufferLines (formats/buffer-lines.ts): the line count of a scanner's buffer, which grows at its
 * end and is dropped from its front, must agree with counting the newlines from the start.
 */
import { describe, expect, it } from 'vitest';
import { BufferLines } from '../../src/formats/buffer-lines.js';
import { cpuMs } from '../helpers/cpu-time.js';

function naive(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: at - (nl + 1) + 1 };
}

describe('BufferLines', () => {
  it('gives the line and column of increasing positions while the buffer grows and is dropped', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const whole = Array.from({ length: 4000 }, () => (rand(5) === 0 ? '\n' : rand(30) === 0 ? '\n\n' : 'x')).join('');
    const lines = new BufferLines();
    let buf = '';
    let fed = 0;
    let dropped = 0;
    let at = 0;
    while (at < whole.length) {
      if (fed < whole.length && rand(3) === 0) {
        const n = 1 + rand(200);
        buf += whole.slice(fed, fed + n);
        fed = Math.min(whole.length, fed + n);
      }
      const limit = dropped + buf.length;
      if (at < limit && rand(2) === 0) {
        at = Math.min(limit, at + rand(50));
        lines.countTo(buf, at - dropped);
        const want = naive(whole, at);
        expect({ line: lines.line, column: at - dropped - lines.lineStart + 1 }).toEqual(want);
      }
      if (rand(6) === 0 && at > dropped) {
        const p = rand(at - dropped + 1);
        lines.drop(buf, p);
        buf = buf.slice(p);
        dropped += p;
      }
      if (fed >= whole.length && at >= limit) break;
    }
    expect(at).toBe(whole.length);
  });

  it('searches a long line once, not once per position asked for on it', async () => {
    // 400,000 positions on one 1.2-million-character line: quadratic, this was minutes.
    const line = '<a>'.repeat(400_000) + '\n';
    const lines = new BufferLines();
    const ms = await cpuMs(() => {
      for (let at = 0; at < line.length - 1; at += 3) lines.countTo(line, at);
    });
    expect(lines.line).toBe(1);
    expect(ms).toBeLessThan(2000);
  });
});
