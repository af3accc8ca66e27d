import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFile } from '../../src/vault/import/import-backup.js';
import { acquireLock, VaultBusyError } from '../../src/vault/lock.js';
import { collectGarbage } from '../../src/vault/gc.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { useVaults } from '../helpers/vault.js';

const newVault = useVaults();

describe('the import lock', () => {
  it('refuses a second importer while the first one is alive, and takes over a dead one', async () => {
    const dir = tempDir();
    const other = spawn('sleep', ['30']);
    try {
      const pid = other.pid;
      if (pid === undefined) throw new Error('no child pid');
      fs.writeFileSync(path.join(dir, 'import.lock'), String(pid));
      expect(() => acquireLock(dir)).toThrow(VaultBusyError);
      expect(() => acquireLock(dir)).toThrow(new RegExp(`process ${pid} is importing`));
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.on('close', resolve));
    }
    // The holder is gone (killed): its lock is stale and is taken over.
    const lock = acquireLock(dir);
    expect(fs.readFileSync(path.join(dir, 'import.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dir, 'import.lock'))).toBe(false);
  });
});

describe("the vault's locks (the seam the storage backends implement)", () => {
  it('are what imports and gc take: another live holder makes them wait or refuse, naming it', async () => {
    const vault = await newVault();
    const other = spawn('sleep', ['30']);
    try {
      const pid = other.pid;
      if (pid === undefined) throw new Error('no child pid');
      fs.writeFileSync(path.join(vault.dir, 'import.lock'), String(pid));
      await expect(importFile(vault, fixture('sbr', 'sms-mms-small.xml'))).rejects.toThrow(new RegExp(`process ${pid} is importing`));
      fs.writeFileSync(path.join(vault.dir, 'gc.lock'), String(pid));
      await expect(collectGarbage(vault, { waitMs: 300 })).rejects.toThrow(VaultBusyError);
    } finally {
      other.kill('SIGKILL');
      await new Promise((resolve) => other.on('close', resolve));
    }
    const lock = vault.locks.acquire('import');
    lock.release();
    const [result] = await importFile(vault, fixture('sbr', 'sms-mms-small.xml'));
    expect(result?.counts.new).toBeGreaterThan(0);
  });
});
