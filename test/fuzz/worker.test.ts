/**
 * The fuzz child (fuzz/worker.ts) judges a failed import by the vault it leaves. A ZIP of several
 * backups imports each in a transaction of its own, and those before a damaged one stay
 * (import-backup.ts): that is the design, not a partial import. The fuzzer called it one (sbr
 * #379, #947, #1304 of the 10,000-input run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/vault/import/import-backup.js';
import { Vault } from '../../src/vault/vault.js';
import { fixture, tempDir } from '../helpers/temp.js';

async function askWorker(template: string, work: string, commands: string[]): Promise<Record<string, unknown>[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../fuzz/worker.ts'), template, work], { stdio: ['pipe', 'pipe', 'inherit'] });
  const replies: Record<string, unknown>[] = [];
  const lines = readline.createInterface({ input: child.stdout });
  const done = new Promise<void>((resolve) => {
    lines.on('line', (line) => {
      if (line.startsWith('@@fuzz ')) replies.push(JSON.parse(line.slice(7)) as Record<string, unknown>);
      if (replies.length === commands.length) resolve();
    });
  });
  child.stdin.write(commands.join('\n') + '\n');
  await done;
  child.stdin.end();
  return replies;
}

describe('fuzz child', () => {
  it('a ZIP whose second backup is damaged: the first stays imported, a clean error, not a partial import', async () => {
    const dir = tempDir();
    const template = path.join(dir, 'template');
    const vault = await Vault.open(template, { create: true });
    await importFile(vault, fixture('exports', 'messages.xml'), { readIn: 'thread' });
    await vault.close();
    const input = path.join(dir, 'sbr.zip');
    fs.copyFileSync(fixture('fuzz', 'sbr-zip-second-entry-truncated.zip'), input);
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const [reply, verify] = await askWorker(template, work, [`import 1 ${input}`, 'verify']);
    expect(reply).toMatchObject({ verdict: 'clean', positioned: true, message: `${input}!calls.xml:3:1: truncated file: it ends inside element <calls>, which starts here; open elements: <calls> (3:1)` });
    expect(verify).toMatchObject({ verify: true });
  }, 60_000);

  // Seed 2 (inputs 1903, 2020, 651): the harness read every entry to build the expected vault, and
  // the damaged second entry made that fail, so the first entry's kept import counted as partial.
  it.each([
    ['sbr-zip-second-entry-damaged-deflate.zip', 'damaged ZIP entry (invalid code -- missing end-of-block)'],
    ['sbr-zip-second-entry-unknown-method.zip', 'cannot read entry (unsupported compression method: 68)'],
    ['sbr-zip-second-entry-too-long.zip', 'damaged ZIP entry (too many bytes in the stream. expected 834. got at least 860)'],
  ])('%s: the first backup stays, a clean error naming the second', async (name, reason) => {
    const dir = tempDir();
    const template = path.join(dir, 'template');
    const vault = await Vault.open(template, { create: true });
    await vault.close();
    const input = path.join(dir, 'sbr.zip');
    fs.copyFileSync(fixture('fuzz', name), input);
    const work = path.join(dir, 'work');
    fs.mkdirSync(work);
    const [reply, verify] = await askWorker(template, work, [`import 1 ${input}`, 'verify']);
    expect(reply).toMatchObject({ verdict: 'clean', message: `${input}!calls.xml: ${reason}` });
    expect(verify).toMatchObject({ verify: true });
  }, 60_000);
});
