/**
 * Exports made in the web app are copies of someone's messages: the queue deletes them
 * `exports.keep` after they were made (at start and while idle), and a multi-file export keeps
 * only its ZIP.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSmsBackup } from '../../../bench/generator.js';
import { ConfigError } from '../../../src/vault/config.js';
import { importFile } from '../../../src/vault/import/import-backup.js';
import { EXPORTS_DIR, JobQueue, type ExportJobResult } from '../../../src/vault/jobs/index.js';
import { tempDir } from '../../helpers/temp.js';
import { useVaults } from '../../helpers/vault.js';
import { sleep } from '../../helpers/wait.js';

const newVault = useVaults();

describe('web exports on the server', () => {
  it('are deleted once older than exports.keep, while the queue idles; newer ones stay', async () => {
    const vault = await newVault();
    const file = path.join(tempDir(), 'sms.xml');
    await writeSmsBackup(file, { seed: 3, sms: 50, mms: 2, mediaBytes: 500 });
    await importFile(vault, file);
    expect(await vault.config.set('exports.keep', '4000ms')).toBe('4s');
    await expect(vault.config.set('exports.keep', '0')).rejects.toThrow(ConfigError);
    await expect(vault.config.set('exports.keep', 'soon')).rejects.toThrow(/not a duration/);

    const root = path.join(vault.dir, EXPORTS_DIR);
    const queue = await JobQueue.open(vault, { pollMs: 100, exportSweepMs: 100 });
    try {
      await queue.start();
      const html = await queue.enqueue({ kind: 'export', format: 'html' });
      const csv = await queue.enqueue({ kind: 'export', format: 'csv', kinds: ['sms'] });
      await queue.idle();
      const downloads = await Promise.all([html, csv].map(async (j) => ((await queue.get(j.id))?.result as ExportJobResult).download));
      // The HTML site is several files: only its ZIP stays.
      expect(downloads).toEqual([`${html.id}.zip`, `${csv.id}/messages.csv`]);
      expect(fs.readdirSync(root).sort()).toEqual([String(csv.id), `${html.id}.zip`].sort());
      await sleep(2_000);
      const later = await queue.enqueue({ kind: 'export', format: 'csv', kinds: ['sms'] });
      await queue.idle();
      // The two ended 10 ms apart, so one sweep (every 100 ms) may take the first and the next one
      // the second: wait for both.
      for (let i = 0; i < 50 && (fs.existsSync(path.join(root, `${html.id}.zip`)) || fs.existsSync(path.join(root, String(csv.id)))); i++) await sleep(100);
      // The first two are past 4 s; the later one is not.
      expect(fs.readdirSync(root)).toEqual([String(later.id)]);
      expect((await queue.get(html.id))?.status).toBe('done');
    } finally {
      await queue.close();
    }
  });
});
