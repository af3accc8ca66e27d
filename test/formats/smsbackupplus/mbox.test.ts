import { describe, expect, it } from 'vitest';
import { MalformedBackupError } from '../../../src/formats/errors.js';
import { splitMbox } from '../../../src/formats/smsbackupplus/mbox.js';

async function split(text: string, chunkSize: number): Promise<{ text: string; line: number }[]> {
  const bytes = Buffer.from(text);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < bytes.length; i += chunkSize) {
      await Promise.resolve();
      yield bytes.subarray(i, i + chunkSize);
    }
  }
  const out: { text: string; line: number }[] = [];
  for await (const m of splitMbox(chunks(), 'test.mbox')) out.push({ text: m.bytes.toString(), line: m.line });
  return out;
}

const MBOX =
  'From a@b Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\n>From here\r\n>>From there\r\nFromage\r\n\r\n' +
  'From c@d Mon Jan  1 00:00:00 2024\nSubject: two\n\nbody\n';

describe('mbox splitter', () => {
  it('splits on From lines, unquotes >From lines by one level and drops the separating line break, at any chunk size', async () => {
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      expect(await split(MBOX, size)).toEqual([
        { text: 'Subject: one\r\n\r\nFrom here\r\n>From there\r\nFromage\r\n', line: 1 },
        { text: 'Subject: two\n\nbody', line: 8 },
      ]);
    }
  });

  it('refuses text before the first From line', async () => {
    await expect(split('Subject: x\r\n\r\nbody\r\n', 5)).rejects.toThrow(MalformedBackupError);
    await expect(split('Subject: x\r\n\r\nbody\r\n', 5)).rejects.toThrow(/test\.mbox:1:1: not an mbox file/);
  });

  it('reads an empty file as no mail', async () => {
    expect(await split('', 4)).toEqual([]);
  });
});
