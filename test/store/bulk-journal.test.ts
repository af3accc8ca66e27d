import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { enterBulkJournal, leaveBulkJournal } from '../../src/store/bulk-journal.js';
import { BUSY_TIMEOUT_MS, openStore, type Store } from '../../src/store/database.js';
import { tempDir } from '../helpers/temp.js';

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** The archive's own connection (openStore), on a file of the test's. */
async function connect(file: string): Promise<BetterSqlite3.Database> {
  const store = await openStore(file);
  open.push(store);
  return store.sqlite;
}

const mode = (c: BetterSqlite3.Database): unknown => c.pragma('journal_mode', { simple: true });
const synchronous = (c: BetterSqlite3.Database): unknown => c.pragma('synchronous', { simple: true });

describe('the bulk journal', () => {
  it('is taken by the only connection, with the directory synced at commit, and given back as WAL', async () => {
    const c = await connect(path.join(tempDir(), 'a.db'));
    c.exec('CREATE TABLE t (x)');
    expect(enterBulkJournal(c)).toBe(true);
    expect(mode(c)).toBe('delete');
    expect(synchronous(c)).toBe(3); // EXTRA
    c.exec('BEGIN IMMEDIATE; INSERT INTO t VALUES (1); COMMIT');
    leaveBulkJournal(c);
    expect(mode(c)).toBe('wal');
    expect(synchronous(c)).toBe(2); // FULL
    expect(c.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
  });

  it('is not taken, without waiting, while another connection has the file open', async () => {
    const file = path.join(tempDir(), 'a.db');
    const c = await connect(file);
    c.exec('CREATE TABLE t (x)');
    const other = await connect(file);
    expect(other.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    const started = Date.now();
    expect(enterBulkJournal(c)).toBe(false);
    expect(Date.now() - started).toBeLessThan(BUSY_TIMEOUT_MS / 2);
    expect(mode(c)).toBe('wal');
    expect(synchronous(c)).toBe(2);
    expect(c.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS);
  });

  it('a transaction killed half way leaves a journal that the next open rolls back', async () => {
    const file = path.join(tempDir(), 'a.db');
    const c = await connect(file);
    c.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1)');
    for (const s of open.splice(0)) await s.close();
    // A child process (the built module, as the CLI runs it) fills more pages than its cache holds,
    // so they reach the file, then is killed.
    const script = `
      import Db from 'better-sqlite3';
      import { enterBulkJournal } from ${JSON.stringify(pathToFileURL(path.resolve(import.meta.dirname, '../../dist/store/bulk-journal.js')).href)};
      const c = new Db(${JSON.stringify(file)});
      c.pragma('cache_size = -1024');
      if (!enterBulkJournal(c)) process.exit(3);
      c.exec('BEGIN IMMEDIATE');
      const ins = c.prepare('INSERT INTO t VALUES (?)');
      for (let i = 0; i < 200000; i++) ins.run('x'.repeat(100) + i);
      process.stdout.write('filled');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: import.meta.dirname, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => { resolve(); }));
    expect(fs.existsSync(`${file}-journal`)).toBe(true);
    expect(fs.statSync(file).size).toBeGreaterThan(1024 * 1024);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    const again = await connect(file);
    expect(again.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
    expect(again.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(fs.existsSync(`${file}-journal`)).toBe(false);
  });
});
