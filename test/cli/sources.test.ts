/**
 * The sources commands as a user runs them (the built CLI as a real process): tokens, folder
 * sources run once, jobs, and `status` exiting non-zero with a readable reason during an alert.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { abOf, phoneTar } from '../formats/androidbackup/build.js';
import { sbrXml } from '../helpers/sbr-files.js';
import { tempDir } from '../helpers/temp.js';
import { sleep } from '../helpers/wait.js';

describe('textvault token / source / jobs / status', () => {
  it('manages device tokens: shown once, listed without the secret, revoked', () => {
    const vault = path.join(tempDir(), 'vault');
    const created = cli(['--vault', vault, 'token', 'create', '--name', 'Pixel 8']);
    expect(created.code).toBe(0);
    const token = /\n {2}(tv_\S+)\n/.exec(created.stdout)?.[1];
    expect(token).toMatch(/^tv_[A-Za-z0-9_-]{43}$/);
    const list = cli(['--vault', vault, 'token', 'list']);
    expect(list.stdout).toMatch(/#1 Pixel 8 {2}active/);
    expect(list.stdout).not.toContain(token ?? 'x');
    expect(fs.readFileSync(path.join(vault, 'control.db')).includes(Buffer.from(token ?? 'x'))).toBe(false);
    const revoked = cli(['--vault', vault, 'token', 'revoke', 'Pixel 8', '--json']);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: 1, name: 'Pixel 8', revokedAt: expect.any(String) as string });
    expect(revoked.stdout).not.toContain(token ?? 'x');
    expect(cli(['--vault', vault, 'token', 'list']).stdout).toMatch(/#1 Pixel 8 {2}revoked/);
    const again = cli(['--vault', vault, 'token', 'revoke', 'Pixel 8']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no active token "Pixel 8"/);
    // The device shows up as an upload source.
    expect(cli(['--vault', vault, 'source', 'list']).stdout).toMatch(/#1 Pixel 8 \(upload: uploads with its token\) {2}schedule push/);
  });

  it("refuses to watch the vault's own folder, a folder inside it, or a parent of it", () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    expect(cli(['--vault', vault, 'config', 'set', 'region', 'US']).code).toBe(0);
    fs.symlinkSync(vault, path.join(dir, 'link'));
    for (const folder of [vault, path.join(vault, 'blobs'), dir, '/', path.join(dir, 'link')]) {
      const add = cli(['--vault', vault, 'source', 'add', 'x', '--folder', folder, '--after', 'delete']);
      expect({ folder, code: add.code }).toEqual({ folder, code: 1 });
      expect(add.stderr).toMatch(/the vault's own folder, inside it, or one of its parents/);
    }
    expect(cli(['--vault', vault, 'source', 'list']).stdout).toBe('no sources (textvault source add NAME --folder DIR)\n');
    expect(fs.readdirSync(vault).filter((n) => n.endsWith('.db')).sort()).toEqual(['control.db', 'textvault.db']);
  });

  it('a folder source with --passphrase-file imports the encrypted backups found there; without one it says where to give the password', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const inbox = path.join(dir, 'inbox');
    const plain = path.join(dir, 'plain');
    fs.mkdirSync(inbox);
    fs.mkdirSync(plain);
    const password = 'folder pass ✓';
    const passFile = path.join(dir, 'ab-pass');
    fs.writeFileSync(passFile, `${password}\n`, { mode: 0o600 });
    const past = new Date(Date.now() - 60_000);
    for (const folder of [inbox, plain]) {
      fs.writeFileSync(path.join(folder, 'phone.ab'), abOf(phoneTar(), { password, rounds: 1000 }));
      fs.utimesSync(path.join(folder, 'phone.ab'), past, past);
    }

    // Checked when added: a missing file, or one given to a mailbox.
    const missing = cli(['--vault', vault, 'source', 'add', 'x', '--folder', inbox, '--passphrase-file', path.join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/passphrase file .*nope cannot be read \(ENOENT\)/);
    const imap = cli(['--vault', vault, 'source', 'add', 'x', '--imap', 'imaps://me@example.org/SMS', '--passphrase-file', passFile]);
    expect(imap.code).toBe(1);
    expect(imap.stderr).toMatch(/--passphrase-file is for watched folders/);

    expect(cli(['--vault', vault, 'source', 'add', 'phone', '--folder', inbox, '--passphrase-file', passFile, '--schedule', 'daily']).code).toBe(0);
    const run = cli(['--vault', vault, 'source', 'run', 'phone']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/done {2}import phone\.ab/);

    expect(cli(['--vault', vault, 'source', 'add', 'other', '--folder', plain, '--schedule', 'daily']).code).toBe(0);
    const without = cli(['--vault', vault, 'source', 'run', 'other']);
    expect(without.code).toBe(1);
    expect(without.stdout).toMatch(/failed {2}import phone\.ab\n {4}phone\.ab is encrypted: enter its password on the Backups page of the web app \(failed imports\), or give the source one with textvault source add --passphrase-file FILE/);
    // The password is in no file of the vault (the source keeps the file's name only).
    for (const f of fs.readdirSync(vault)) {
      const p = path.join(vault, f);
      if (fs.statSync(p).isFile()) expect({ f, has: fs.readFileSync(p).includes(Buffer.from(password)) }).toEqual({ f, has: false });
    }
  });

  it('adds a folder source, runs it once (imports, rejects junk), lists jobs, and reports health with status', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const inbox = path.join(dir, 'inbox');
    fs.mkdirSync(inbox);
    fs.writeFileSync(path.join(inbox, 'sms-1.xml'), sbrXml(['m1', 'm2', 'm3'], { backupDate: Date.now(), type: 'full' }));
    fs.writeFileSync(path.join(inbox, 'notes.txt'), 'shopping list');
    fs.writeFileSync(path.join(inbox, 'sms-2.xml.part'), 'half');
    // Old enough to count as complete for a one-off scan.
    const past = new Date(Date.now() - 60_000);
    for (const f of fs.readdirSync(inbox)) fs.utimesSync(path.join(inbox, f), past, past);

    const add = cli(['--vault', vault, 'source', 'add', 'phone', '--folder', inbox, '--schedule', 'daily', '--after', 'move']);
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/added source #1 phone \(folder: .*inbox\) {2}schedule daily/);

    const run = cli(['--vault', vault, 'source', 'run', 'phone']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/done {2}import sms-1\.xml/);
    expect(run.stdout).toMatch(/failed {2}import notes\.txt\n {4}.*not/);
    expect(run.stderr).toMatch(/1 of 2 imports failed/);
    // What is no backup is left where it is (issue 29 item 2), and only reported.
    expect(fs.readdirSync(inbox).sort()).toEqual(['done', 'notes.txt', 'sms-2.xml.part']);
    expect(fs.readdirSync(path.join(inbox, 'done'))).toEqual(['sms-1.xml']);

    const rerun = cli(['--vault', vault, 'source', 'run', '1']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toBe('nothing new to import\n');

    const jobs = cli(['--vault', vault, 'jobs']);
    expect(jobs.stdout.split('\n').filter((l) => l.startsWith('#'))).toHaveLength(2);
    const jobsJson = JSON.parse(cli(['--vault', vault, 'jobs', 'list', '--json']).stdout) as { status: string }[];
    expect(jobsJson.map((j) => j.status).sort()).toEqual(['done', 'failed']);

    const ok = cli(['--vault', vault, 'status']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/OK: every source delivered/);
    expect(ok.stdout).toMatch(/rejected notes\.txt/);
    expect(ok.stdout).toMatch(/last new backup \d{4}-\d\d-\d\d/);

    // A source expected to deliver every second that never did: status fails with the reason.
    fs.mkdirSync(path.join(dir, 'tablet'));
    expect(cli(['--vault', vault, 'source', 'add', 'tablet', '--folder', path.join(dir, 'tablet'), '--expect', '1s']).code).toBe(0);
    await sleep(1200);
    const alert = cli(['--vault', vault, 'status']);
    expect(alert.code).toBe(1);
    expect(alert.stdout).toMatch(/^ALERT since .*: No new backup from "tablet" for 1 hour \(expected at least every 1s\): it has not delivered a backup since it was added/m);
    const json = JSON.parse(cli(['--vault', vault, 'status', '--json']).stdout) as { alerts: unknown[]; sources: unknown[] };
    expect(json.alerts).toHaveLength(1);
    // Paused, it raises no alert; resumed, it does again.
    const pause = cli(['--vault', vault, 'source', 'disable', 'tablet']);
    expect(pause.code).toBe(0);
    expect(pause.stdout).toMatch(/^paused source #2 tablet \(folder: .*\) {2}schedule continuous {2}PAUSED/);
    expect(cli(['--vault', vault, 'status']).code).toBe(0);
    expect(cli(['--vault', vault, 'source', 'list']).stdout).toMatch(/#2 tablet .* {2}PAUSED/);
    expect(JSON.parse(cli(['--vault', vault, 'source', 'enable', '2', '--json']).stdout)).toMatchObject({ id: 2, enabled: true });
    expect(cli(['--vault', vault, 'status']).code).toBe(1);
    expect(cli(['--vault', vault, 'source', 'disable', 'nosuch']).stderr).toMatch(/nosuch/);
    expect(JSON.parse(cli(['--vault', vault, 'source', 'remove', 'tablet', '--json']).stdout)).toMatchObject({ id: 2, name: 'tablet', kind: 'folder' });
    expect(cli(['--vault', vault, 'status']).code).toBe(0);
  }, 180_000);

  it('refuses a mistyped or unusable folder, and reports one that disappears later as an error at once (issue 26 item 2)', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const typo = path.join(dir, 'Syncthnig');
    const add = cli(['--vault', vault, 'source', 'add', 'phone', '--folder', typo]);
    expect(add.code).toBe(1);
    expect(add.stderr).toContain(`${typo} does not exist: check the spelling, or create the folder first (mkdir -p "${typo}")`);
    // Nothing was made or added.
    expect(fs.existsSync(typo)).toBe(false);
    fs.writeFileSync(path.join(dir, 'sms.xml'), 'x');
    const file = cli(['--vault', vault, 'source', 'add', 'phone', '--folder', path.join(dir, 'sms.xml')]);
    expect(file.stderr).toMatch(/sms\.xml is a file, not a folder: give the folder the backups land in/);
    expect(cli(['--vault', vault, 'source', 'list']).stdout).toBe('no sources (textvault source add NAME --folder DIR)\n');

    // A good folder that goes away later (unmounted, removed by a sync tool): status fails at once,
    // long before the expected interval (3 days) would, and "run" says why instead of "nothing new".
    const inbox = path.join(dir, 'Syncthing');
    fs.mkdirSync(inbox);
    expect(cli(['--vault', vault, 'source', 'add', 'phone', '--folder', inbox]).code).toBe(0);
    expect(cli(['--vault', vault, 'status']).code).toBe(0);
    fs.rmSync(inbox, { recursive: true });
    const status = cli(['--vault', vault, 'status']);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/^ALERT since .*: The watched folder of "phone" is unusable: /m);
    expect(status.stdout).toContain(`${inbox} does not exist. Nothing is imported from it until this is fixed`);
    expect(status.stdout).toMatch(/last error \(.*\): .*Syncthing does not exist/);
    const run = cli(['--vault', vault, 'source', 'run', 'phone']);
    expect(run.code).toBe(1);
    expect(run.stdout).not.toContain('nothing new');
    expect(run.stderr).toMatch(/the watched folder of "phone" is unusable: .*Syncthing does not exist/);
    const json = JSON.parse(cli(['--vault', vault, 'status', '--json']).stdout) as { alerts: { kind: string }[] };
    expect(json.alerts.map((a) => a.kind)).toEqual(['folder']);
    // Back: the alert clears, and so does the error it wrote.
    fs.mkdirSync(inbox);
    const back = cli(['--vault', vault, 'status']);
    expect(back.code).toBe(0);
    expect(back.stdout).not.toMatch(/last error/);
  });

  it('rejects bad source settings with a message saying what to do', () => {
    const vault = path.join(tempDir(), 'vault');
    const both = cli(['--vault', vault, 'source', 'add', 'x']);
    expect(both.stderr).toMatch(/give exactly one of --folder DIR or --imap URL/);
    const cron = cli(['--vault', vault, 'source', 'add', 'x', '--folder', '.', '--schedule', 'sometimes']);
    expect(cron.stderr).toMatch(/"sometimes" is not a schedule: use continuous, hourly, daily, weekly or a cron expression/);
    const imapContinuous = cli(['--vault', vault, 'source', 'add', 'mail', '--imap', 'imaps://me@imap.example.org/SMS', '--schedule', 'continuous']);
    expect(imapContinuous.stderr).toMatch(/only a watched folder can run continuously/);
    const pw = cli(['--vault', vault, 'source', 'add', 'mail', '--imap', 'imaps://me:secret@imap.example.org/SMS']);
    expect(pw.stderr).toMatch(/do not put the password in the IMAP URL/);
  });
});
