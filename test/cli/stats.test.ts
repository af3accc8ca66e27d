/**
 * `textvault stats` names long gaps without messages (issue 26 item 7), in text and JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { gapBackupXml } from '../helpers/gap-backup.js';
import { tempDir } from '../helpers/temp.js';

describe('textvault stats', () => {
  it('marks a year without messages as a gap, and not a single empty month', () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const file = path.join(dir, 'sms.xml');
    fs.writeFileSync(file, gapBackupXml());
    expect(cli(['--vault', vault, 'import', file]).code).toBe(0);
    const text = cli(['--vault', vault, 'stats']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('gaps:          3 or more months without a message\n  no messages from 2018-01 to 2018-12 (12 months) — a missing backup?\n');
    expect(text.stdout).not.toContain('2019-02');
    const json = JSON.parse(cli(['--vault', vault, 'stats', '--json']).stdout) as { gaps: unknown };
    expect(json.gaps).toEqual([{ from: '2018-01', to: '2018-12', months: 12 }]);
  });
});
