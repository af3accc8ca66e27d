/**
 * `textvault snapshot` and `textvault restore`: shells over vault/snapshot/.
 */
import type { Command } from 'commander';
import type { SnapshotKey } from '../../vault/snapshot/folder.js';
import { CommandFailed, formatBytes, formatCount, printJson, archiveDirOf, type GlobalOptions } from '../context.js';
import { countNoun, nounFor } from '../../formats/plural.js';
import { askInTerminal, fromFile } from '../passphrase.js';

interface KeyOptions {
  passphraseFile?: string;
  keyFile?: string;
  encrypt?: boolean;
}

function keyOptions(c: Command, creating: boolean): Command {
  c.option('--passphrase-file <file>', creating ? 'encrypt with the passphrase in FILE (a new folder), or open an encrypted folder with it' : 'the passphrase of an encrypted folder, from FILE')
    .option('--key-file <file>', creating ? 'encrypt with a key file (at least 32 random bytes: head -c 32 /dev/urandom > FILE), or open a folder encrypted with one' : 'the key file of an encrypted folder');
  if (creating) c.option('--encrypt', 'encrypt a new folder with a passphrase typed in the terminal');
  return c;
}

/** Where the key comes from; the terminal is asked only when the folder is (to be) encrypted and no file is given. */
function keySource(dir: string, opts: KeyOptions): () => Promise<SnapshotKey | undefined> {
  return async () => {
    if (opts.keyFile !== undefined && opts.passphraseFile !== undefined) throw new CommandFailed('give --passphrase-file or --key-file, not both');
    if (opts.keyFile !== undefined) return { keyFile: opts.keyFile };
    if (opts.passphraseFile !== undefined) return { passphrase: await fromFile(opts.passphraseFile) };
    const { isEncryptedFolder } = await import('../../vault/snapshot/folder.js');
    if (opts.encrypt === true || (await isEncryptedFolder(dir)))
      return { passphrase: await askInTerminal('snapshot passphrase: ', `the snapshots in ${dir} are encrypted: give --passphrase-file FILE or --key-file FILE (no terminal to ask in)`) };
    return undefined;
  };
}

function parseKeep(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new CommandFailed(`--keep takes a whole number of snapshots of at least 1, not "${v}"`);
  return n;
}

export function registerSnapshot(program: Command, globals: () => GlobalOptions): void {
  const snapshot = program.command('snapshot').description('back up the vault itself: consistent, incremental copies in a folder (see README "Backing up Textvault")');
  keyOptions(snapshot
    .command('create', { isDefault: true }), true)
    .description('take a snapshot of the vault into --to DIR (the default); imports go on meanwhile')
    .requiredOption('--to <dir>', 'the folder that keeps the snapshots (made if new), or s3://BUCKET/PREFIX (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)')
    .option('--keep <n>', 'keep only the N newest snapshots there, removing older ones', parseKeep)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { to: string; keep?: number; json?: boolean } & KeyOptions) => {
      const [{ takeSnapshot }, { openSnapshotFolder }] = await Promise.all([import('../../vault/snapshot/take-snapshot.js'), import('../../vault/snapshot/folder.js')]);
      const dir = await archiveDirOf(globals());
      let repo, result;
      try {
        repo = await openSnapshotFolder(opts.to, { create: true, key: keySource(opts.to, opts) });
        result = await takeSnapshot(dir, repo, { keep: opts.keep });
      } catch (e) {
        // The Backups page and `snapshot status` say the last attempt failed, and why.
        const { recordSnapshotFailure } = await import('../../vault/snapshot/status.js');
        recordSnapshotFailure(dir, { at: new Date().toISOString(), to: opts.to, message: e instanceof Error ? e.message : String(e) });
        throw e;
      }
      if (opts.json === true) {
        printJson(result);
        return;
      }
      process.stdout.write(
        `snapshot ${result.id}: ${countNoun(result.files, 'file')}, ${formatBytes(result.bytes)} (${countNoun(result.counts.messages, 'message')}, ${countNoun(result.counts.calls, 'call')}, ${formatCount(result.counts.blobs)} media) in ${result.seconds.toFixed(1)} s\n` +
          `${formatBytes(result.addedBytes)} new in ${repo.dir} (${countNoun(result.addedObjects, 'chunk')}); the rest is shared with earlier snapshots\n`,
      );
      if (result.pruned.length > 0) process.stdout.write(`removed ${countNoun(result.pruned.length, 'older snapshot')}: ${result.pruned.join(', ')}\n`);
    });
  snapshot
    .command('schedule')
    .description('take snapshots on a schedule while textvault serve (or daemon) runs, with alerts when one fails or none was taken for 3 days (snapshot.max-age); "off" stops')
    .argument('<when>', 'hourly, daily (03:00), weekly, a cron expression like "30 4 * * *", or off')
    .option('--to <dir>', 'the folder (or s3://BUCKET/PREFIX) the snapshots go to (needed unless already set)')
    .option('--keep <n>', 'keep only the N newest snapshots there', parseKeep)
    .option('--passphrase-file <file>', 'encrypt with the passphrase in FILE (the server must be able to read it)')
    .option('--key-file <file>', 'encrypt with this key file')
    .option('--json', 'print the settings as JSON')
    .action(async (when: string, opts: { to?: string; keep?: number; passphraseFile?: string; keyFile?: string; json?: boolean }) => {
      const { withVault } = await import('../context.js');
      const path = await import('node:path');
      const settings = await withVault(globals(), false, async (vault) => {
        const { snapshotSettings } = await import('../../vault/snapshot/scheduled.js');
        if (when !== 'off' && opts.to === undefined && (await vault.config.get('snapshot.to')) === undefined)
          throw new CommandFailed('say where the snapshots go: textvault snapshot schedule WHEN --to DIR');
        if (opts.passphraseFile !== undefined && opts.keyFile !== undefined) throw new CommandFailed('give --passphrase-file or --key-file, not both');
        await vault.config.set('snapshot.schedule', when);
        // A folder is kept absolute (the server may run elsewhere); an s3:// location as given.
        const { isS3Location } = await import('../../vault/snapshot/folder.js');
        if (opts.to !== undefined) await vault.config.set('snapshot.to', isS3Location(opts.to) ? opts.to : path.resolve(opts.to));
        if (opts.keep !== undefined) await vault.config.set('snapshot.keep', String(opts.keep));
        if (opts.passphraseFile !== undefined) {
          await vault.config.set('snapshot.passphrase-file', path.resolve(opts.passphraseFile));
          await vault.config.unset('snapshot.key-file');
        }
        if (opts.keyFile !== undefined) {
          await vault.config.set('snapshot.key-file', path.resolve(opts.keyFile));
          await vault.config.unset('snapshot.passphrase-file');
        }
        return snapshotSettings(vault);
      });
      if (opts.json === true) printJson(settings);
      else if (settings.schedule === null)
        process.stdout.write(`scheduled snapshots are off${settings.to === null ? '' : `; Snapshot now (Backups page) takes one to ${settings.to}`}\n`);
      else
        process.stdout.write(
          `textvault serve takes a snapshot ${settings.schedule} to ${settings.to ?? '?'}${settings.keep === undefined ? '' : `, keeping ${settings.keep}`}${settings.passphraseFile !== null || settings.keyFile !== null ? ', encrypted' : ''}; ` +
            `it alerts when one fails or none was taken for ${Math.round(settings.maxAgeMs / 3_600_000)} h\n`,
        );
    });
  snapshot
    .command('status')
    .description('when the vault was last snapshotted, and whether a snapshot is overdue (more than 3 days) or the last one failed; exits 1 then')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { snapshotHealth } = await import('../../vault/snapshot/status.js');
      const health = snapshotHealth(await archiveDirOf(globals()));
      if (opts.json === true) printJson(health);
      else {
        const l = health.last;
        if (l !== null)
          process.stdout.write(`last snapshot ${l.id} at ${l.at} to ${l.to}${l.encrypted ? ' (encrypted)' : ''}: ${formatCount(l.counts.messages)} messages, ${formatBytes(l.bytes)}, ${formatBytes(l.addedBytes)} new\n`);
        process.stdout.write(health.message === null ? 'snapshots OK\n' : `${health.message}\n`);
      }
      if (health.state !== 'ok') throw new CommandFailed('snapshots need attention', { reported: true });
    });
  keyOptions(snapshot
    .command('list'), false)
    .description('list the snapshots in --from DIR, oldest first')
    .requiredOption('--from <dir>', 'the snapshot folder, or s3://BUCKET/PREFIX')
    .option('--json', 'print as JSON')
    .action(async (opts: { from: string; json?: boolean } & KeyOptions) => {
      const { openSnapshotFolder } = await import('../../vault/snapshot/folder.js');
      const { manifestBytes } = await import('../../vault/snapshot/manifest.js');
      const repo = await openSnapshotFolder(opts.from, { key: keySource(opts.from, opts) });
      const list = [];
      for (const id of await repo.snapshotIds()) {
        const m = await repo.readManifest(id);
        list.push({ id, createdAt: m.createdAt, vault: m.vault, files: m.files.length, bytes: manifestBytes(m), counts: m.counts });
      }
      if (opts.json === true) {
        printJson(list);
        return;
      }
      if (list.length === 0) process.stdout.write(`no snapshots in ${repo.dir} yet\n`);
      for (const s of list) process.stdout.write(`${s.id}  ${s.createdAt}  ${countNoun(s.counts.messages, 'message')}, ${countNoun(s.counts.calls, 'call')}, ${formatBytes(s.bytes)}  from ${s.vault}\n`);
    });
  keyOptions(snapshot
    .command('verify'), false)
    .description('check snapshots without restoring them: every chunk re-hashed (and decrypted); exits 1 on any problem')
    .requiredOption('--from <dir>', 'the snapshot folder, or s3://BUCKET/PREFIX')
    .option('--snapshot <id>', 'check this snapshot (default: the newest)')
    .option('--all', 'check every snapshot in the folder')
    .option('--json', 'print the report as JSON')
    .action(async (opts: { from: string; snapshot?: string; all?: boolean; json?: boolean } & KeyOptions) => {
      const [{ openSnapshotFolder }, { verifySnapshots }] = await Promise.all([import('../../vault/snapshot/folder.js'), import('../../vault/snapshot/verify-snapshot.js')]);
      const repo = await openSnapshotFolder(opts.from, { key: keySource(opts.from, opts) });
      const report = await verifySnapshots(repo, { id: opts.snapshot, all: opts.all });
      if (opts.json === true) printJson(report);
      else {
        for (const p of report.problems) process.stdout.write(`PROBLEM: ${p}\n`);
        process.stdout.write(
          report.ok
            ? `${nounFor(report.snapshots.length, 'snapshot')} ${report.snapshots.join(', ')} OK: ${countNoun(report.files, 'file')}, ${formatBytes(report.bytes)}\n`
            : `${countNoun(report.problems.length, 'problem')} found\n`,
        );
      }
      if (!report.ok) throw new CommandFailed('snapshot verify found problems', { reported: true });
    });

  keyOptions(program
    .command('restore'), false)
    .description('rebuild a vault from a snapshot: textvault restore --from DIR --vault NEW (NEW must be new or empty)')
    .requiredOption('--from <dir>', 'the snapshot folder, or s3://BUCKET/PREFIX')
    .option('--snapshot <id>', 'which snapshot (default: the newest; see textvault snapshot list)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { from: string; snapshot?: string; json?: boolean } & KeyOptions) => {
      const g = globals();
      if (g.vault === undefined) throw new CommandFailed('say where the restored vault goes with --vault NEW (a new or empty folder)');
      const [{ openSnapshotFolder }, { restoreSnapshot }, { verifyVault }, { Vault }] = await Promise.all([
        import('../../vault/snapshot/folder.js'),
        import('../../vault/snapshot/restore.js'),
        import('../../vault/verify.js'),
        import('../../vault/vault.js'),
      ]);
      const repo = await openSnapshotFolder(opts.from, { key: keySource(opts.from, opts) });
      const restored = await restoreSnapshot(repo, await archiveDirOf(g), opts.snapshot);
      const vault = await Vault.open(restored.vault);
      let report;
      try {
        report = await verifyVault(vault);
      } finally {
        await vault.close();
      }
      if (opts.json === true) printJson({ ...restored, verify: report });
      else {
        process.stdout.write(`restored snapshot ${restored.id} into ${restored.vault}: ${countNoun(restored.files, 'file')}, ${formatBytes(restored.bytes)}\n`);
        for (const p of report.problems) process.stdout.write(`PROBLEM: ${p}\n`);
        process.stdout.write(report.ok ? 'vault OK\n' : `${countNoun(report.problems.length, 'problem')} found in the restored vault\n`);
      }
      if (!report.ok) throw new CommandFailed('the restored vault did not verify', { reported: true });
    });
}

