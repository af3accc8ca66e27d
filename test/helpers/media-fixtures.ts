/**
 * Media of the kinds phones send in MMS that browsers cannot show as they are (issue 25), made
 * here with ffmpeg, heif-enc and sharp: a HEIC photo, a 3GP video (H.263 with AMR-NB audio), an
 * AMR voice note, an animated GIF; and an SMS Backup & Restore file with each as an MMS part.
 * Tests that use them ask `lacks(FFMPEG, HEIF_TOOLS)` first.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export interface MediaFixture {
  name: string;
  contentType: string;
  bytes: Buffer;
}

/** AMR-NB at 12.2 kbit/s: a file header, then 20 ms frames (a mode byte and 31 bytes any decoder accepts). */
export function amrClip(seconds: number): Buffer {
  const frames = [Buffer.from('#!AMR\n')];
  for (let i = 0; i < seconds * 50; i++) frames.push(Buffer.from([0x3c]), randomBytes(31));
  return Buffer.concat(frames);
}

function run(program: string, args: string[]): void {
  execFileSync(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function makeMediaFixtures(dir: string): Promise<Record<'heic' | 'video3gp' | 'amr' | 'gif', MediaFixture>> {
  const png = path.join(dir, 'photo.png');
  // Noise on a gradient, 640x480: a real photo's size class, and no encoder can make it a flat colour.
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7bd5', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
    .png()
    .toFile(png);
  const heic = path.join(dir, 'IMG_0001.heic');
  run('heif-enc', ['-q', '50', png, '-o', heic]);
  const amr = path.join(dir, 'voice.amr');
  fs.writeFileSync(amr, amrClip(2));
  const video = path.join(dir, 'clip.3gp');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=176x144:rate=15', '-i', amr, '-t', '2', '-c:v', 'h263', '-c:a', 'copy', '-shortest', video]);
  const gif = path.join(dir, 'wave.gif');
  run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=5', '-t', '1', gif]);
  return {
    heic: { name: 'IMG_0001.heic', contentType: 'image/heic', bytes: fs.readFileSync(heic) },
    video3gp: { name: 'clip.3gp', contentType: 'video/3gpp', bytes: fs.readFileSync(video) },
    amr: { name: 'voice.amr', contentType: 'audio/amr', bytes: fs.readFileSync(amr) },
    gif: { name: 'wave.gif', contentType: 'image/gif', bytes: fs.readFileSync(gif) },
  };
}

/** An SMS Backup & Restore file with one MMS per attachment, from `address`, oldest first, each with a caption naming it. */
export function backupWithMedia(dir: string, parts: MediaFixture[], address = '+15550003001'): string {
  const mms = parts.map(
    (p, i) =>
      `  <mms date="${String(Date.UTC(2025, 1, 1, 12, i))}" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="${address}" read="1" sub="null" m_type="132" date_sent="0" readable_date="x" contact_name="Sam Media">\n` +
      `    <parts>\n      <part seq="0" ct="${p.contentType}" name="${p.name}" chset="null" cl="${p.name}" data="${p.bytes.toString('base64')}" />\n` +
      `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="Caption ${p.name}" />\n    </parts>\n` +
      `    <addrs>\n      <addr address="${address}" type="137" charset="106" />\n      <addr address="insert-address-token" type="151" charset="106" />\n    </addrs>\n  </mms>`,
  );
  const file = path.join(dir, 'media.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${String(parts.length)}">\n${mms.join('\n')}\n</smses>\n`);
  return file;
}
