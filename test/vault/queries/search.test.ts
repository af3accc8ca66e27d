import { describe, expect, it } from 'vitest';
import { search } from '../../../src/vault/queries/search.js';
import { snippet } from '../../../src/vault/queries/snippet.js';
import { writeBackup } from '../../helpers/sbr-xml.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vaults = useVaults();
const T0 = Date.UTC(2024, 0, 1);

async function archive() {
  const v = await vaults();
  await importAll(v, [
    writeBackup([
      { address: '+15550000001', date: T0 + 1, body: 'On se voit au Café à midi', name: 'Zoë' },
      { address: '+15550000001', date: T0 + 2, body: 'Привет, как дела?', type: 2 },
      { address: '+15550000002', date: T0 + 3, body: '我们明天说你好吗', name: 'Li' },
      { address: '+15550000002', date: T0 + 4, body: 'cafe later? the cafe is closed' },
      { address: '+15550000003', date: T0 + 5, body: 'nothing to see' },
      { addresses: ['+15550000003'], date: T0 + 6, parts: [{ ct: 'text/plain', text: 'mms cafe text' }] },
    ]),
  ]);
  return v;
}

describe('search', () => {
  it('finds Latin with and without accents, Cyrillic in any case, and a 2-character Chinese word', async () => {
    const v = await archive();
    const bodies = async (q: string): Promise<string[]> => (await search(v, { q })).items.map((h) => h.snippet);
    expect(await bodies('cafe')).toEqual(['mms \u0002cafe\u0003 text', '\u0002cafe\u0003 later? the \u0002cafe\u0003 is closed', 'On se voit au \u0002Café\u0003 à midi']);
    expect(await bodies('café')).toHaveLength(3);
    expect(await bodies('КАК')).toEqual(['Привет, \u0002как\u0003 дела?']);
    expect(await bodies('你好')).toEqual(['我们明天说\u0002你好\u0003吗']);
    expect(await bodies('好你')).toEqual([]);
    expect(await bodies('"; DROP TABLE messages; --')).toEqual([]);
  });

  it('filters by contact, date, kind and direction, and pages with a cursor', async () => {
    const v = await archive();
    expect((await search(v, { q: 'cafe', contact: 'Zoë' })).items.map((h) => h.conversationTitle)).toEqual(['Zoë']);
    expect((await search(v, { q: 'cafe', contact: '(555) 000-0002' })).items.map((h) => h.date)).toEqual([T0 + 4]);
    expect((await search(v, { q: 'cafe', kind: 'mms' })).items.map((h) => h.date)).toEqual([T0 + 6]);
    expect((await search(v, { q: 'cafe', from: T0 + 2, to: T0 + 5 })).items.map((h) => h.date)).toEqual([T0 + 4]);
    expect((await search(v, { q: 'как', direction: 'in' })).items).toEqual([]);
    expect((await search(v, { q: 'cafe', kind: 'call' })).items).toEqual([]);
    const first = await search(v, { q: 'cafe', limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await search(v, { q: 'cafe', limit: 2, cursor: first.nextCursor ?? '' });
    expect(second.items.map((h) => h.date)).toEqual([T0 + 1]);
    expect(second.nextCursor).toBeNull();
    expect(first.items[0]?.sender).toEqual({ address: '+15550000003', name: null });
  });
});

describe('search counts', () => {
  it('gives the exact total of the whole search on every page, and stops counting after 1,000', async () => {
    const v = await vaults();
    await importAll(v, [
      writeBackup(Array.from({ length: 1005 }, (_, i) => ({ address: '+15550000001', date: T0 + i, body: i < 3 ? `rare word ${i}` : `common word ${i}` }))),
    ]);
    const rare = await search(v, { q: 'rare', limit: 2 });
    expect(rare).toMatchObject({ total: 3, totalIsLowerBound: false });
    expect(await search(v, { q: 'rare', limit: 2, cursor: rare.nextCursor ?? '' })).toMatchObject({ total: 3, totalIsLowerBound: false });
    expect(await search(v, { q: 'common', limit: 5 })).toMatchObject({ total: 1000, totalIsLowerBound: true });
    expect(await search(v, { q: 'word', contact: '+15550000002' })).toMatchObject({ total: 0, totalIsLowerBound: false });
  });
});

describe('snippets', () => {
  it('cut long text around the first match and never pass markers through from the message', () => {
    const long = `${'word '.repeat(100)}needle ${'tail '.repeat(100)}`;
    const s = snippet(long, 'needle', 60);
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(s).toContain('\u0002needle\u0003');
    expect(snippet('evil \u0002fake\u0003 mark', 'mark')).toBe('evil fake \u0002mark\u0003');
    expect(snippet('notcafe cafe', 'cafe')).toBe('notcafe \u0002cafe\u0003');
  });
});
