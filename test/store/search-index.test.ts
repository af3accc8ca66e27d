import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.js';
import { importAll, useVaults } from '../helpers/vault.js';

const vault = useVaults();

const body = (date: number, text: string): string =>
  `  <sms address="+15550001111" date="${date}" type="1" body="${text}" />\n`;

describe('the search index built by an import', () => {
  it('finds words in any script: accents ignored, Cyrillic, and a 2-character Chinese word', async () => {
    const file = path.join(tempDir(), 's.xml');
    fs.writeFileSync(
      file,
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="4">\n` +
        body(1, 'On se voit au café à midi') +
        body(2, 'Привет, как дела?') +
        body(3, '我们明天说你好吗') +
        body(4, 'nothing to see here') +
        '</smses>\n',
    );
    const v = await vault();
    await importAll(v, [file]);
    const dateOf = async (ids: number[]): Promise<number[]> =>
      ids.length === 0 ? [] : (await v.db.selectFrom('messages').select('date_ms').where('id', 'in', ids).execute()).map((r) => r.date_ms);
    expect(await dateOf(v.search.match('cafe', 10))).toEqual([1]);
    expect(await dateOf(v.search.match('КАК', 10))).toEqual([2]);
    expect(await dateOf(v.search.match('你好', 10))).toEqual([3]);
    expect(await dateOf(v.search.match('好你', 10))).toEqual([]);
    expect(await dateOf(v.search.match('see OR cafe', 10))).toEqual([]);
  });
});

describe('how an import fills the search index', () => {
  /** FTS5 keeps each segment's pages under rowids that start with the segment's id. */
  const segments = (v: Awaited<ReturnType<typeof vault>>): number =>
    v.store.sqlite.prepare<[], { n: number }>('SELECT count(DISTINCT rowid >> 37) AS n FROM message_fts_data WHERE rowid >> 37 > 0').get()?.n ?? 0;

  it('adds prepared (CJK) texts and plain ones in one pass in id order: one segment, not one per kind', async () => {
    const file = path.join(tempDir(), 'mixed.xml');
    const texts = ['see you at noon', '我们明天说你好吗', 'running late', '今天很好', 'ok'];
    fs.writeFileSync(
      file,
      `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="5">\n` + texts.map((t, i) => body(i + 1, t)).join('') + '</smses>\n',
    );
    const v = await vault();
    await importAll(v, [file]);
    expect(segments(v)).toBe(1);
    expect(v.search.match('你好', 10)).toHaveLength(1);
    expect(v.search.match('late', 10)).toHaveLength(1);
  });

  it('buffers 16 MB of terms before it writes a segment', async () => {
    const v = await vault();
    expect(v.store.sqlite.prepare("SELECT v FROM message_fts_config WHERE k = 'hashsize'").pluck().get()).toBe(16 * 1024 * 1024);
  });
});
