/**
 * `textvault media prebuild` and `media prune` (issue 25) with the real CLI: prebuild converts
 * every photo, video and voice note once (a second run finds them done), verify reports the
 * derived files apart from the archive and stays OK, prune removes them; without ffmpeg on PATH
 * prebuild fails with what to install.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { backupWithMedia, makeMediaFixtures } from '../helpers/media-fixtures.js';
import { FFMPEG, HEIF_TOOLS, lacks } from '../helpers/system.js';
import { tempDir } from '../helpers/temp.js';

describe.skipIf(lacks(FFMPEG, HEIF_TOOLS))('textvault media', () => {
  it('prebuilds, is reported by verify apart from the archive, and prunes', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'vault');
    const f = await makeMediaFixtures(dir);
    expect(cli(['--vault', vault, 'import', backupWithMedia(dir, [f.heic, f.video3gp, f.amr, f.gif])]).code).toBe(0);

    // The CLI runs as process.execPath, so a PATH of an empty folder hides ffmpeg and heif-dec only.
    const noTools = cli(['--vault', vault, 'media', 'prebuild'], { PATH: fs.mkdtempSync(path.join(dir, 'bin-')) });
    expect(noTools.code).toBe(1);
    expect(noTools.stderr).toMatch(/apt-get install (ffmpeg|libheif-examples)/);

    // The run without tools may have converted what needs neither (the GIF: sharp alone) before it stopped.
    const built = cli(['--vault', vault, 'media', 'prebuild']);
    expect(built.stderr).toBe('');
    const counts = /^4 media files: (\d) converted, (\d) already done, 0 could not be converted/.exec(built.stdout);
    expect(Number(counts?.[1]) + Number(counts?.[2])).toBe(4);
    expect(cli(['--vault', vault, 'media', 'prebuild', '--json']).stdout).toContain('"cached": 4');

    const verified = cli(['--vault', vault, 'verify']);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/media made for the browser \(rebuildable, not archive data\): 8 files/);
    expect(verified.stdout).not.toContain('no message uses');

    const pruned = cli(['--vault', vault, 'media', 'prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^removed 8 converted files \(12 records;/);
    const after = cli(['--vault', vault, 'verify', '--json']);
    expect(JSON.parse(after.stdout)).toMatchObject({ ok: true, derived: { files: 0 }, unreferencedBlobs: 0 });
  });
});
