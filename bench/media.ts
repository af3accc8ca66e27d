/**
 * Media conversion for the browser (issue 25): how long each kind of MMS attachment takes to
 * convert (its view) and to thumbnail (160 + 320 px WebP), median of 3, with the same code the
 * server runs (src/vault/media/convert.ts), and the peak RSS of this process.
 *
 *   npx tsx bench/media.ts
 *
 * Needs ffmpeg and libheif-examples (heif-enc, heif-dec/heif-convert). Not a timed test.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { convertMedia } from '../src/vault/media/convert.js';
import { SNIFF_BYTES } from '../src/vault/media/media-kind.js';
import type { VariantGroup } from '../src/vault/media/variants.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-bench-media-'));

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

async function photo(width: number, height: number): Promise<string> {
  const file = path.join(dir, `photo-${String(width)}.png`);
  // Noise over a gradient-like background: compresses like a photo, not like a flat colour.
  await sharp({ create: { width, height, channels: 3, background: '#6a8caf', noise: { type: 'gaussian', mean: 110, sigma: 25 } } })
    .png()
    .toFile(file);
  return file;
}

function amr(seconds: number): string {
  const file = path.join(dir, `voice-${String(seconds)}.amr`);
  const frames = [Buffer.from('#!AMR\n')];
  for (let i = 0; i < seconds * 50; i++) frames.push(Buffer.from([0x3c]), randomBytes(31));
  fs.writeFileSync(file, Buffer.concat(frames));
  return file;
}

async function inputs(): Promise<{ label: string; file: string }[]> {
  const out: { label: string; file: string }[] = [];
  const big = await photo(4032, 3024);
  const mms = await photo(640, 480);
  const mid = await photo(1600, 1200);
  const heicBig = path.join(dir, 'big.heic');
  execFileSync('heif-enc', ['-q', '50', big, '-o', heicBig]);
  out.push({ label: 'HEIC 4032x3024 (a phone camera photo)', file: heicBig });
  const heicMms = path.join(dir, 'mms.heic');
  execFileSync('heif-enc', ['-q', '50', mms, '-o', heicMms]);
  out.push({ label: 'HEIC 640x480 (as MMS sends it)', file: heicMms });
  const avif = path.join(dir, 'mid.avif');
  await sharp(mid).avif({ quality: 50 }).toFile(avif);
  out.push({ label: 'AVIF 1600x1200', file: avif });
  const tiff = path.join(dir, 'mid.tiff');
  await sharp(mid).tiff().toFile(tiff);
  out.push({ label: 'TIFF 1600x1200', file: tiff });
  const jpeg = path.join(dir, 'mid.jpg');
  await sharp(mid).jpeg({ quality: 85 }).toFile(jpeg);
  out.push({ label: 'JPEG 1600x1200 (thumbnails only)', file: jpeg });
  const gif = path.join(dir, 'anim.gif');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10', '-t', '3', gif]);
  out.push({ label: 'GIF 320x240, 30 frames (thumbnails only)', file: gif });
  const voice = amr(30);
  out.push({ label: 'AMR-NB voice note, 30 s', file: voice });
  const small3gp = path.join(dir, 'small.3gp');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=176x144:rate=15', '-i', amr(10), '-t', '10', '-c:v', 'h263', '-c:a', 'copy', '-shortest', small3gp]);
  out.push({ label: '3GP H.263 176x144 + AMR, 10 s', file: small3gp });
  const big3gp = path.join(dir, 'big.3gp');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=640x480:rate=30', '-i', amr(30), '-t', '30', '-c:v', 'mpeg4', '-q:v', '4', '-c:a', 'copy', '-shortest', '-f', '3gp', big3gp]);
  out.push({ label: '3GP MPEG-4 Part 2 640x480 + AMR, 30 s', file: big3gp });
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function timeGroup(file: string, group: VariantGroup): Promise<{ ms: number; bytes: number; what: string }> {
  const times: number[] = [];
  let bytes = 0;
  let what = '';
  for (let i = 0; i < 3; i++) {
    const work = fs.mkdtempSync(path.join(dir, 'run-'));
    const copy = path.join(work, 'original');
    fs.copyFileSync(file, copy);
    const head = Buffer.alloc(SNIFF_BYTES);
    const fd = fs.openSync(copy, 'r');
    const got = fs.readSync(fd, head, 0, SNIFF_BYTES, 0);
    fs.closeSync(fd);
    const started = process.hrtime.bigint();
    const results = await convertMedia({ file: copy, dir: work, head: head.subarray(0, got), declaredType: null }, group);
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    // Still images make all three at once (one decode); count only this group's.
    const made = Object.entries(results)
      .filter(([variant]) => (group === 'view') === (variant === 'view'))
      .map(([, d]) => d);
    bytes = made.reduce((n, d) => n + (d.status === 'ok' ? d.bytes.length : 0), 0);
    what = made.map((d) => (d.status === 'ok' ? d.contentType : d.status === 'failed' ? `failed: ${d.error}` : d.status)).join(', ');
    fs.rmSync(work, { recursive: true, force: true });
  }
  return { ms: median(times), bytes, what };
}

const rows: string[] = [];
for (const { label, file } of await inputs()) {
  const size = fs.statSync(file).size;
  const view = await timeGroup(file, 'view');
  const thumbs = await timeGroup(file, 'thumbs');
  rows.push(`| ${label} | ${(size / 1024).toFixed(0)} | ${view.ms.toFixed(0)} | ${view.what} ${view.bytes > 0 ? `(${(view.bytes / 1024).toFixed(0)} KB)` : ''} | ${thumbs.ms.toFixed(0)} | ${(thumbs.bytes / 1024).toFixed(1)} |`);
  process.stderr.write(`${rows.at(-1) ?? ''}\n`);
}
fs.rmSync(dir, { recursive: true, force: true });
process.stdout.write(
  [
    `load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    '',
    '| original | KB | view ms | view | thumbnails ms (a still image: all three) | thumbnails KB (160+320) |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n') + '\n',
);
