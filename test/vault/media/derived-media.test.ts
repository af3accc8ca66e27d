/**
 * Media made for the browser (issue 25), on a real vault with real ffmpeg, heif-dec and sharp:
 * HEIC, 3GP (H.263 + AMR), AMR and an animated GIF imported as MMS parts; each conversion decodes;
 * it is cached (and counted by verify apart from the archive, kept by gc, dropped by prune); a
 * truncated file is cached as "could not convert"; a conversion over its time limit is killed;
 * without ffmpeg nothing is cached and the message says what to install.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../src/vault/gc.js';
import { DerivedMedia, ToolMissingError, type MediaAnswer } from '../../../src/vault/media/derived-media.js';
import { prebuildDerived, pruneDerived } from '../../../src/vault/media/derived-upkeep.js';
import { mediaPart, type MediaPart } from '../../../src/vault/queries/media.js';
import { verifyVault } from '../../../src/vault/verify.js';
import { DB_FILE, type Vault } from '../../../src/vault/vault.js';
import { backupWithMedia, makeMediaFixtures, type MediaFixture } from '../../helpers/media-fixtures.js';
import { FFMPEG, HEIF_TOOLS, lacks } from '../../helpers/system.js';
import { tempDir } from '../../helpers/temp.js';
import { importAll, useVaults } from '../../helpers/vault.js';

const missing = lacks(FFMPEG, HEIF_TOOLS);

async function partsByName(vault: Vault): Promise<Map<string, MediaPart>> {
  const rows = await vault.db.selectFrom('mms_parts').select('id').where('blob_sha256', 'is not', null).where('content_type', '!=', 'text/plain').execute();
  const out = new Map<string, MediaPart>();
  for (const r of rows) {
    const p = await mediaPart(vault, r.id);
    out.set(p.name ?? '', p);
  }
  return out;
}

async function bytesOf(vault: Vault, answer: MediaAnswer): Promise<Buffer> {
  if (answer.kind === 'bytes') return answer.bytes;
  if (answer.kind !== 'derived') throw new Error(`expected a conversion, got ${JSON.stringify(answer)}`);
  const chunks: Buffer[] = [];
  for await (const c of vault.blobs.chunks(answer.sha256)) chunks.push(c);
  return Buffer.concat(chunks);
}

function probe(file: string): { codec_type: string; codec_name: string }[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'json', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: { codec_type: string; codec_name: string }[] }).streams;
}

describe.skipIf(missing)('media converted for the browser', () => {
  const vaults = useVaults();
  let fixtures: Record<'heic' | 'video3gp' | 'amr' | 'gif', MediaFixture>;
  let backup: string;
  beforeAll(async () => {
    // Kept for the whole file (tempDir's folders go after each test).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-media-fixtures-'));
    fixtures = await makeMediaFixtures(dir);
    backup = backupWithMedia(dir, Object.values(fixtures));
    return () => {
      fs.rmSync(dir, { recursive: true, force: true });
    };
  });

  it('HEIC becomes a JPEG, 3GP an H.264/AAC MP4, AMR an AAC M4A, a GIF stays itself; each with thumbnails where it has a picture', async () => {
    const vault = await vaults();
    await importAll(vault, [backup]);
    const parts = await partsByName(vault);
    const derived = new DerivedMedia(vault);
    try {
      const heic = parts.get('IMG_0001.heic');
      if (heic === undefined) throw new Error('no HEIC part');
      const view = await derived.get(heic, 'view');
      expect(view.kind === 'derived' && view.contentType).toBe('image/jpeg');
      const meta = await sharp(await bytesOf(vault, view)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 640, 480]);
      for (const width of [160, 320] as const) {
        const thumb = await derived.get(heic, `thumb-${width}`);
        const t = await sharp(await bytesOf(vault, thumb)).metadata();
        expect([t.format, t.width]).toEqual(['webp', width]);
      }

      const video = parts.get('clip.3gp');
      if (video === undefined) throw new Error('no 3GP part');
      const mp4 = await derived.get(video, 'view');
      expect(mp4.kind === 'derived' && mp4.contentType).toBe('video/mp4');
      const mp4File = path.join(tempDir(), 'view.mp4');
      fs.writeFileSync(mp4File, await bytesOf(vault, mp4));
      expect(probe(mp4File).map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
      const poster = await sharp(await bytesOf(vault, await derived.get(video, 'thumb-320'))).metadata();
      expect([poster.format, poster.width]).toEqual(['webp', 176]);

      const amr = parts.get('voice.amr');
      if (amr === undefined) throw new Error('no AMR part');
      const m4a = await derived.get(amr, 'view');
      expect(m4a.kind === 'derived' && m4a.contentType).toBe('audio/mp4');
      const m4aFile = path.join(tempDir(), 'view.m4a');
      fs.writeFileSync(m4aFile, await bytesOf(vault, m4a));
      expect(probe(m4aFile).map((s) => s.codec_name)).toEqual(['aac']);
      expect(await derived.get(amr, 'thumb-160')).toEqual({ kind: 'none' });

      const gif = parts.get('wave.gif');
      if (gif === undefined) throw new Error('no GIF part');
      expect(await derived.get(gif, 'view')).toEqual({ kind: 'original', contentType: 'image/gif' });
      expect((await sharp(await bytesOf(vault, await derived.get(gif, 'thumb-160'))).metadata()).format).toBe('webp');
    } finally {
      await derived.close();
    }

    // Cached: a new service (a restarted server) answers from the archive, converting nothing.
    const again = new DerivedMedia(vault, { limits: { imageMs: 1, avMs: 1 } });
    try {
      for (const p of parts.values()) expect((await again.get(p, 'view')).kind).not.toBe('failed');
    } finally {
      await again.close();
    }
    // Originals never change.
    const heicPart = parts.get('IMG_0001.heic');
    expect(heicPart !== undefined && (await bytesOf(vault, { kind: 'derived', sha256: heicPart.sha256, size: 0, contentType: '' })).equals(fixtures.heic.bytes)).toBe(true);
  });

  it('verify counts derived files apart (a missing one is no problem), gc keeps them, prune drops them and they are made again', async () => {
    const vault = await vaults();
    await importAll(vault, [backup]);
    const lines: [number, number][] = [];
    const built = await prebuildDerived(vault, { onProgress: (d, t) => lines.push([d, t]) });
    expect(built).toMatchObject({ originals: 4, converted: 4, failed: 0 });
    expect(lines.at(-1)).toEqual([4, 4]);
    expect((await prebuildDerived(vault)).cached).toBe(4);

    let report = await verifyVault(vault);
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.unreferencedBlobs).toBe(0);
    expect(report.checked.blobs).toBe(4);
    // HEIC: view + 2 thumbs; 3GP: view + 2; AMR: view; GIF: 2 thumbs, the same bytes (96 px wide, never enlarged): stored once.
    expect(report.derived).toMatchObject({ files: 8, missing: 0, damaged: 0, failed: 0 });

    const gc = await collectGarbage(vault);
    expect(gc.blobsRemoved).toBe(0);
    report = await verifyVault(vault);
    expect(report.derived.missing).toBe(0);

    const pruned = await pruneDerived(vault);
    // Rows: 3 per original (audio's thumbnails are rows saying there are none; the GIF's view is the original).
    expect(pruned).toMatchObject({ rowsRemoved: 12, blobsRemoved: 8 });
    report = await verifyVault(vault);
    expect(report.ok).toBe(true);
    expect(report.derived.files).toBe(0);
    expect(report.checked.blobs).toBe(4);

    // A derived file lost (pruned by hand, a damaged disk) is no archive error, and is made again on view.
    await prebuildDerived(vault);
    const row = await vault.db.selectFrom('derived_media').select('sha256').where('sha256', 'is not', null).executeTakeFirstOrThrow();
    await vault.blobs.delete(row.sha256 ?? '');
    report = await verifyVault(vault);
    expect(report.ok, report.problems.join('\n')).toBe(true);
    expect(report.derived.missing).toBe(1);
    expect((await prebuildDerived(vault)).converted).toBe(1);
    expect((await verifyVault(vault)).derived.missing).toBe(0);
  });

  it('a truncated file is "could not convert" at once, cached, and not tried again', async () => {
    const vault = await vaults();
    const cut: MediaFixture = { ...fixtures.video3gp, name: 'cut.3gp', bytes: fixtures.video3gp.bytes.subarray(0, Math.floor(fixtures.video3gp.bytes.length / 3)) };
    const cutHeic: MediaFixture = { ...fixtures.heic, name: 'cut.heic', bytes: fixtures.heic.bytes.subarray(0, 2000) };
    await importAll(vault, [backupWithMedia(tempDir(), [cut, cutHeic])]);
    const parts = await partsByName(vault);
    const derived = new DerivedMedia(vault);
    try {
      for (const name of ['cut.3gp', 'cut.heic']) {
        const part = parts.get(name);
        if (part === undefined) throw new Error(`no part ${name}`);
        const started = Date.now();
        const answer = await derived.get(part, 'view');
        expect(answer.kind, name).toBe('failed');
        expect(Date.now() - started).toBeLessThan(5000);
        expect((await derived.get(part, 'thumb-160')).kind).toBe('failed');
      }
      const rows = await vault.db.selectFrom('derived_media').select(['status', 'error']).execute();
      expect(rows.length).toBe(6);
      expect(rows.every((r) => r.status === 'failed' && (r.error ?? '') !== '')).toBe(true);
    } finally {
      await derived.close();
    }
  });

  it('a conversion over its time limit is killed and cached as failed', async () => {
    const vault = await vaults();
    const dir = tempDir();
    const big = path.join(dir, 'long.3gp');
    // MPEG-4 Part 2 at 640x480 for 20 s: seconds of x264 work on this machine.
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=25', '-t', '20', '-c:v', 'mpeg4', '-q:v', '5', big]);
    await importAll(vault, [backupWithMedia(dir, [{ name: 'long.3gp', contentType: 'video/3gpp', bytes: fs.readFileSync(big) }])]);
    const part = (await partsByName(vault)).get('long.3gp');
    if (part === undefined) throw new Error('no part');
    const derived = new DerivedMedia(vault, { limits: { avMs: 700 } });
    try {
      const started = Date.now();
      const answer = await derived.get(part, 'view');
      expect(answer.kind === 'failed' && answer.message).toMatch(/took longer than 0\.7 s and was stopped/);
      expect(Date.now() - started).toBeLessThan(5000);
      const ffmpegs = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes('ffmpeg') && l.includes('textvault-media-'));
      expect(ffmpegs).toEqual([]);
      // The poster is a frame's work, apart from the transcode: it is made within the limit.
      expect((await derived.get(part, 'thumb-160')).kind).toBe('derived');
    } finally {
      await derived.close();
    }
  });

  it('while an import holds the write lock, a conversion is served from memory at once, and cached on a later view', async () => {
    const vault = await vaults();
    await importAll(vault, [backupWithMedia(tempDir(), [fixtures.heic])]);
    const part = (await partsByName(vault)).get('IMG_0001.heic');
    if (part === undefined) throw new Error('no part');
    const derived = new DerivedMedia(vault);
    // As an import in another connection holds it for its whole transaction.
    const other = new BetterSqlite3(path.join(vault.dir, DB_FILE));
    try {
      other.exec('BEGIN IMMEDIATE');
      const started = Date.now();
      const answer = await derived.get(part, 'view');
      expect(answer.kind === 'bytes' && answer.contentType).toBe('image/jpeg');
      // Not the 10 s busy timeout, during which better-sqlite3 would have blocked the server.
      expect(Date.now() - started).toBeLessThan(5000);
      other.exec('ROLLBACK');
      expect(await vault.db.selectFrom('derived_media').selectAll().execute()).toEqual([]);
      expect((await derived.get(part, 'view')).kind).toBe('derived');
    } finally {
      other.close();
      await derived.close();
    }
    // What was staged the first time was dropped, not left for gc.
    expect((await verifyVault(vault)).unreferencedBlobs).toBe(0);
  });

  it('without ffmpeg on PATH a video says what to install, and nothing is cached', async () => {
    const vault = await vaults();
    await importAll(vault, [backupWithMedia(tempDir(), [fixtures.video3gp])]);
    const part = (await partsByName(vault)).get('clip.3gp');
    if (part === undefined) throw new Error('no part');
    const derived = new DerivedMedia(vault);
    const PATH = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      await expect(derived.get(part, 'view')).rejects.toThrow(ToolMissingError);
      await expect(derived.get(part, 'view')).rejects.toThrow(/apt-get install ffmpeg/);
    } finally {
      process.env.PATH = PATH;
      await derived.close();
    }
    expect(await vault.db.selectFrom('derived_media').selectAll().execute()).toEqual([]);
  });
});
