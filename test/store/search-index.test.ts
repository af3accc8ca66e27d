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
