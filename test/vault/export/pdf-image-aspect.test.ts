/**
 * Photos keep their shape in the PDF transcript (issue 26 item 6): portrait, square and
 * landscape MMS images, made here with sharp, are embedded at their own aspect ratio and placed
 * on the page at it too (pdfimages reports equal horizontal and vertical resolution only when an
 * image is not stretched).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exportPdf } from '../../../src/vault/export/pdf-export.js';
import { backupWithPhotos, SHAPES } from '../../helpers/photos.js';
import { tempDir } from '../../helpers/temp.js';
import { CHROMIUM, lacks, POPPLER, programPath } from '../../helpers/system.js';
import { importAll, useVaults } from '../../helpers/vault.js';

process.env.TZ = 'UTC';
const vault = useVaults();
const noPdf = lacks(CHROMIUM, POPPLER);
if (!noPdf) process.env.TEXTVAULT_CHROMIUM ??= programPath(CHROMIUM);

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
