import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, VaultBusyError } from '../../src/vault/lock.js';
import { tempDir } from '../helpers/temp.js';

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
