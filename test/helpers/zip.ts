import fs from 'node:fs';
import yazl from 'yazl';

export type ZipContent = Record<string, string | Buffer>;

/** Writes a ZIP archive with these entries (deflated), in this order. */
export async function writeZip(file: string, entries: ZipContent, options: { compress?: boolean } = {}): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    zip.addBuffer(typeof content === 'string' ? Buffer.from(content) : content, name, { compress: options.compress ?? true });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
  return file;
}
