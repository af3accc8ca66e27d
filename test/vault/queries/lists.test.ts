import { describe, expect, it } from 'vitest';
import { listBackupRuns } from '../../../src/vault/backups.js';
import { listCalls } from '../../../src/vault/queries/calls.js';
import { activity, monthly, summary, topContacts } from '../../../src/vault/queries/charts.js';
import { listConversations } from '../../../src/vault/queries/conversations.js';
import { MAX_LIMIT } from '../../../src/vault/queries/cursor.js';
import { writeBackup, writeCalls } from '../../helpers/sbr-xml.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const vaults = useVaults();
const JAN = new Date(2024, 0, 15, 10, 30).getTime();
const FEB = new Date(2024, 1, 15, 22, 5).getTime();

describe('conversation list', () => {
  it('is newest first, filters by name or number, pages with a cursor and caps the page size', async () => {
    const v = await vaults();
    const records = Array.from({ length: 30 }, (_, i) => ({ address: `+1555000${String(i).padStart(4, '0')}`, date: JAN + i * 1000, body: `hi ${i}`, name: `Person ${i}` }));
    await importAll(v, [writeBackup(records)]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listConversations(v, { limit: 7, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((c) => c.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `Person ${29 - i}`));
    expect((await listConversations(v, { q: 'person 1' })).items.map((c) => c.title)).toEqual(['Person 19', 'Person 18', 'Person 17', 'Person 16', 'Person 15', 'Person 14', 'Person 13', 'Person 12', 'Person 11', 'Person 10', 'Person 1']);
    expect((await listConversations(v, { q: '555-000-0007' })).items.map((c) => c.title)).toEqual(['Person 7']);
    expect((await listConversations(v, { limit: 100_000 })).items).toHaveLength(30);
    expect(MAX_LIMIT).toBe(500);
  });

  it('sees a new import (the cached summary is refreshed)', async () => {
    const v = await vaults();
    await importAll(v, [writeBackup([{ address: '+15550000001', date: JAN, body: 'a' }], 'a.xml')]);
    expect((await listConversations(v)).items[0]?.messageCount).toBe(1);
    await importAll(v, [writeBackup([{ address: '+15550000001', date: FEB, body: 'b' }], 'b.xml')]);
    expect((await listConversations(v)).items[0]?.messageCount).toBe(2);
  });
});

describe('calls, charts and backups', () => {
  it('filter calls by type, contact and date, and count months, contacts and hours', async () => {
    const v = await vaults();
    await importAll(v, [
      writeBackup([
        { address: '+15550000001', date: JAN, body: 'in', name: 'Ann' },
        { address: '+15550000001', date: FEB, body: 'out', type: 2 },
        { address: '+15550000002', date: FEB + 1, body: 'in' },
      ]),
      writeCalls([
        { number: '+15550000001', date: JAN + 5, type: 1, duration: 120, name: 'Ann' },
        { number: '5550000002', date: FEB + 5, type: 3, duration: 0 },
        { number: '+15550000002', date: FEB + 6, type: 6, duration: 0 },
        { number: '+15550000001', date: FEB + 7, type: 2, duration: 600 },
      ]),
    ]);
    const calls = await listCalls(v);
    expect(calls.items.map((c) => [c.type, c.name])).toEqual([
      ['outgoing', 'Ann'],
      ['blocked', null],
      ['missed', null],
      ['incoming', 'Ann'],
    ]);
    expect((await listCalls(v, { type: 'missed' })).items.map((c) => c.number)).toEqual(['5550000002']);
    expect((await listCalls(v, { contact: 'ann' })).items).toHaveLength(2);
    expect((await listCalls(v, { contact: '555 000 0002' })).items).toHaveLength(2);
    expect((await listCalls(v, { from: FEB, to: FEB + 6 })).items).toHaveLength(1);
    const p1 = await listCalls(v, { limit: 3 });
    const p2 = await listCalls(v, { limit: 3, cursor: p1.nextCursor ?? '' });
    expect(p2.items.map((c) => c.type)).toEqual(['incoming']);

    expect(await summary(v)).toMatchObject({ sms: 3, mms: 0, calls: 4, conversations: 2, backups: 2, firstDate: JAN, lastDate: FEB + 7 });
    expect(await monthly(v)).toEqual([
      { month: '2024-01', sent: 0, received: 1, messages: 1, calls: 1, callMinutes: 2 },
      { month: '2024-02', sent: 1, received: 1, messages: 2, calls: 3, callMinutes: 10 },
    ]);
    expect(await topContacts(v, 'messages')).toEqual([
      { address: '+15550000001', name: 'Ann', messages: 2, callSeconds: 720 },
      { address: '+15550000002', name: null, messages: 1, callSeconds: 0 },
    ]);
    expect((await topContacts(v, 'calls')).map((r) => r.address)).toEqual(['+15550000001']);
    const cells = await activity(v);
    expect(cells).toHaveLength(7 * 24);
    expect(cells.find((c) => c.weekday === new Date(JAN).getDay() && c.hour === 10)?.count).toBe(1);
    expect(cells.find((c) => c.weekday === new Date(FEB).getDay() && c.hour === 22)?.count).toBe(2);

    const backups = await listBackupRuns(v, { limit: 1 });
    expect(backups.items[0]?.file).toBe('calls-test.xml');
    expect((await listBackupRuns(v, { cursor: backups.nextCursor ?? '' })).items.map((b) => b.file)).toEqual(['sms-test.xml']);
  });
});
