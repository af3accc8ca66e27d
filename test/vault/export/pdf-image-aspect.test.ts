/**
 * Photos keep their shape in the PDF transcript (issue 26 item 6): portrait, square and
 * landscape MMS images, made here with sharp, are embedded at their own aspect ratio and placed
 * on the page at it too (pdfimages reports equal horizontal and vertical resolution only when an
 * image is not stretched).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { exportPdf } from '../../../src/vault/export/pdf-export.js';
import { tempDir } from '../../helpers/temp.js';
import { CHROMIUM, lacks, POPPLER, programPath } from '../../helpers/system.js';
import { importAll, useVaults } from '../../helpers/vault.js';

process.env.TZ = 'UTC';
const vault = useVaults();
const noPdf = lacks(CHROMIUM, POPPLER);
if (!noPdf) process.env.TEXTVAULT_CHROMIUM ??= programPath(CHROMIUM);

const SHAPES = [
  { name: 'portrait.png', width: 300, height: 600 },
  { name: 'square.png', width: 400, height: 400 },
  { name: 'landscape.png', width: 640, height: 320 },
];

async function photo(width: number, height: number): Promise<string> {
  // Noise, so no encoder can shrink the image to a flat colour.
  const png = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  return png.toString('base64');
}

async function backupWithPhotos(dir: string): Promise<string> {
  const mms: string[] = [];
  for (const [i, s] of SHAPES.entries()) {
    mms.push(
      `  <mms date="${Date.UTC(2025, 0, 1, 12, i)}" ct_t="application/vnd.wap.multipart.related" msg_box="1" address="+15550002001" read="1" sub="null" m_type="132" date_sent="0" readable_date="x" contact_name="Pat">\n` +
        `    <parts>\n      <part seq="0" ct="image/png" name="${s.name}" chset="null" cl="${s.name}" data="${await photo(s.width, s.height)}" />\n` +
        `      <part seq="0" ct="text/plain" name="null" chset="106" cl="text_0.txt" text="${s.name}" />\n    </parts>\n` +
        `    <addrs>\n      <addr address="+15550002001" type="137" charset="106" />\n      <addr address="insert-address-token" type="151" charset="106" />\n    </addrs>\n  </mms>`,
    );
  }
  const file = path.join(dir, 'photos.xml');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${SHAPES.length}">\n${mms.join('\n')}\n</smses>\n`);
  return file;
}

interface Listed {
  width: number;
  height: number;
  xppi: number;
  yppi: number;
}

/** `pdfimages -list`: page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio. */
function listImages(file: string): Listed[] {
  const lines = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').slice(2);
  return lines
    .map((l) => l.trim().split(/\s+/))
    .filter((c) => c[2] === 'image')
    .map((c) => ({ width: Number(c[3]), height: Number(c[4]), xppi: Number(c[12]), yppi: Number(c[13]) }));
}

describe.skipIf(noPdf)('PDF export images', () => {
  it('keeps the aspect ratio of portrait, square and landscape photos, embedded and placed', async () => {
    const v = await vault();
    const dir = tempDir();
    await importAll(v, [await backupWithPhotos(dir)]);
    const out = tempDir();
    const result = await exportPdf(v, { kinds: new Set(['mms']) }, { outDir: out });
    expect(result.files).toHaveLength(1);
    const images = listImages(result.files[0]?.path ?? '');
    expect(images).toHaveLength(SHAPES.length);
    for (const [i, s] of SHAPES.entries()) {
      const img = images[i];
      expect(img, s.name).toBeDefined();
      if (img === undefined) continue;
      // Embedded: the thumbnail's pixels have the original's shape.
      expect(img.width / img.height, s.name).toBeCloseTo(s.width / s.height, 1);
      // Placed: as many pixels per inch across as down, so the printed box has that shape too.
      expect(Math.abs(img.xppi - img.yppi) / img.xppi, `${s.name}: ${img.xppi} x ${img.yppi} ppi`).toBeLessThan(0.03);
    }
  }, 60_000);
});
