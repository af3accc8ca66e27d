/**
 * Android backups (.ab) through the real CLI into a real vault: an encrypted one with
 * --passphrase-file, and every way it can fail giving one line and leaving the vault unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { abOf, otherAppItems, phoneTar, SMS_1, tarOf, telephonyItems } from '../formats/androidbackup/build.js';

/** The error line of a failed import (the next line says the vault is unchanged). */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n');
  expect(lines[1]).toMatch(/nothing from this file was imported; the vault is unchanged/);
  return lines[0] ?? '';
}

describe('textvault import of Android backups (.ab)', () => {
  it('imports an encrypted .ab with --passphrase-file; no or a wrong password imports nothing', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const ab = path.join(dir, 'backup.ab');
    fs.writeFileSync(ab, abOf(phoneTar(), { password: 'pass word', rounds: 1000 }));
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'pass word\n');
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'nope\n');

    const none = cli(['--vault', vault, 'import', ab]);
    expect(none.code).toBe(1);
    expect(errorLine(none.stderr)).toMatch(/this backup is encrypted: give its passphrase with --passphrase-file FILE/);
    const wrong = cli(['--vault', vault, 'import', '--passphrase-file', bad, ab]);
    expect(wrong.code).toBe(1);
    expect(errorLine(wrong.stderr)).toMatch(/backup\.ab: wrong password/);
    expect(cli(['--vault', vault, 'backups', '--json']).stdout.trim()).toBe('[]');

    const ok = cli(['--vault', vault, 'import', '--passphrase-file', pw, ab]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/backup\.ab: imported 4 records \(2 SMS, 2 MMS\) .*: 4 new, 0 duplicate/);
  });

  it('a damaged, cut-off or message-less .ab is one line and changes nothing; a ../ entry never reaches the disk', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const file = (name: string, bytes: Buffer): string => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, bytes);
      return f;
    };
    const good = abOf(phoneTar());
    const corrupt = Buffer.from(good);
    for (let i = 100; i < 140; i++) corrupt[i] = (corrupt[i] ?? 0) ^ 0xff;
    const cases: [string, RegExp][] = [
      [file('corrupt.ab', corrupt), /corrupt\.ab: (its compressed data is damaged|its archive is damaged)/],
      [file('cut.ab', good.subarray(0, good.length - 500)), /cut\.ab: .*cut off/],
      [file('apps.ab', abOf(tarOf(otherAppItems()))), /apps\.ab: not an Android backup with messages: .*com\.example\.notes.*: it has no messages/],
    ];
    for (const [f, message] of cases) {
      const r = cli(['--vault', vault, 'import', f]);
      expect(r.code, f).toBe(1);
      expect(errorLine(r.stderr)).toMatch(message);
    }
    expect(cli(['--vault', vault, 'backups', '--json']).stdout.trim()).toBe('[]');

    // An entry named to climb out of the archive: ignored with a warning, written nowhere.
    const target = path.join(dir, 'escaped');
    const climb = path.relative(dir, '/').split(path.sep).map(() => '..').join('/');
    const evil = `apps/com.android.providers.telephony/d_f/${climb}${target}/000000_sms_backup`;
    const tar = tarOf([{ name: evil, data: deflateSync(JSON.stringify([{ ...SMS_1, body: 'evil' }])) }, ...telephonyItems([{ kind: 'sms', messages: [SMS_1] }])]);
    const r = cli(['--vault', vault, 'import', file('evil.ab', abOf(tar))]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/imported 1 record \(1 SMS, 0 MMS\)/);
    expect(r.stdout).toMatch(/points outside the archive; ignored/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it('a Helium carbon/ folder: its telephony .ab is imported; without one, it says it has no messages', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const carbon = path.join(dir, 'carbon');
    for (const pkg of ['com.example.notes', 'com.example.game']) {
      fs.mkdirSync(path.join(carbon, pkg), { recursive: true });
      fs.writeFileSync(path.join(carbon, pkg, `${pkg}.ab`), abOf(tarOf(otherAppItems(pkg)), { version: 1 }));
      fs.writeFileSync(path.join(carbon, pkg, `${pkg}.json`), '{}');
    }
    const none = cli(['--vault', vault, 'import', carbon]);
    expect(none.code).toBe(1);
    expect(errorLine(none.stderr)).toMatch(/carbon: not a backup with messages: it is a Helium backup folder holding the app backups of 2 apps \(com\.example\.game, com\.example\.notes\), .*: it has no messages/);

    const tel = path.join(carbon, 'com.android.providers.telephony');
    fs.mkdirSync(tel);
    fs.writeFileSync(path.join(tel, 'com.android.providers.telephony.ab'), abOf(tarOf(telephonyItems([{ kind: 'sms', messages: [SMS_1] }])), { version: 1 }));
    const ok = cli(['--vault', vault, 'import', carbon]);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/com\.android\.providers\.telephony\.ab: imported 1 record \(1 SMS, 0 MMS\)/);
  });
});
