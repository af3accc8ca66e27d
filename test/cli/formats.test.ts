import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptSsef } from '../../src/formats/smsie/ssef.js';
import { cli } from '../helpers/cli.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { smsIeZip, smsLine, mmsLine } from '../formats/smsie/build.js';

describe('textvault CLI with other apps\' formats', () => {
  it('imports an encrypted sms-ie backup with --passphrase-file, exports sms-ie and fossify', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    const zip = await smsIeZip(dir, [smsLine(), mmsLine()]);
    const enc = path.join(dir, 'messages.zip.ssef');
    await encryptSsef(zip, enc, 'pass word', { timeCost: 1, memoryKiB: 64 });
    const pw = path.join(dir, 'pw');
    fs.writeFileSync(pw, 'pass word\n');

    // No terminal and no file: told how to give it, nothing imported.
    const none = cli(['--vault', vault, 'import', enc]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/--passphrase-file/);
    const bad = path.join(dir, 'bad');
    fs.writeFileSync(bad, 'nope');
    const wrong = cli(['--vault', vault, 'import', '--passphrase-file', bad, enc]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/wrong passphrase[\s\S]*the vault is unchanged/);

    const ok = cli(['--vault', vault, 'import', '--passphrase-file', pw, enc, fixture('sbr', 'sms-threads.xml')]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/messages\.zip\.ssef: imported 2 records \(1 SMS, 1 MMS\)/);

    const out = path.join(dir, 'out');
    for (const format of ['sms-ie', 'fossify']) {
      const r = cli(['--vault', vault, 'export', '--format', format, '--out', out]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const files = fs.readdirSync(out).sort();
    expect(files.some((f) => /^messages-\d{4}-\d{2}-\d{2}\.zip$/.test(f))).toBe(true);
    expect(files.some((f) => /^messages-\d{4}-\d{2}-\d{2}\.json$/.test(f))).toBe(true);
    expect(files.filter((f) => f.includes('.partial'))).toEqual([]);

    const unknown = path.join(dir, 'notes.txt');
    fs.writeFileSync(unknown, 'hello');
    const u = cli(['--vault', vault, 'import', unknown]);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/notes\.txt: this is a text file in no format Textvault knows, not a phone backup\. .*docs\/formats\.md/);
  });
});
