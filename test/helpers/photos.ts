/**
 * MMS photos of every shape, for the tests that check images keep their aspect ratio (issue 26
 * item 6): portrait, square and landscape PNGs of noise, made with sharp, in an SMS Backup &
 * Restore file, one MMS each, oldest first in SHAPES order.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const SHAPES = [
  { name: 'portrait.png', width: 300, height: 600 },
  { name: 'square.png', width: 400, height: 400 },
  { name: 'landscape.png', width: 640, height: 320 },
];

async function photo(width: number, height: number): Promise<string> {
  // Noise, so no encoder can shrink the image to a flat colour.
  const png = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  return png.toString('base64');
}

export async function backupWithPhotos(dir: string): Promise<string> {
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

