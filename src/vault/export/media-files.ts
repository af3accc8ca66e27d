/**
 * Media of an HTML (or print) export: each blob copied once to `media/<sha256>.<ext>` (read from
 * the media store, whatever backend it is; the PDF export's Chromium loads them from there) and, for
 * images, a thumbnail `thumbs/<sha256>.webp` made with sharp (libvips, streaming, native memory).
 * Names come only from the hash and a fixed list of extensions, never from the backup.
 * Links are remembered for a bounded number of media; past that the files on disk answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { writeBlobFile } from '../../blobs/blob-file.js';
import type { AttachmentView } from '../../formats/export-view.js';
import { mediaFileName, mediaKind } from '../../formats/html/escape.js';
import type { MediaLink } from '../../formats/html/thread-page.js';
import type { Vault } from '../vault.js';

/** Thumbnails fit in this many CSS pixels (twice that in real pixels, for sharp screens). */
export const THUMB_CSS_PX = 240;
const REMEMBERED = 10_000;

// One image at a time and no decoded-image cache: the export shares the machine with the vault.
sharp.concurrency(1);
sharp.cache(false);

export class ExportMedia {
  private readonly links = new Map<string, MediaLink | null>();
  missing = 0;

  constructor(
    private readonly vault: Vault,
    /** The export's root folder. */
    private readonly root: string,
    private readonly options: { thumbnails: boolean; warnings: string[]; thumbCssPx?: number },
  ) {
    fs.mkdirSync(path.join(root, 'media'), { recursive: true });
    if (options.thumbnails) fs.mkdirSync(path.join(root, 'thumbs'), { recursive: true });
  }

  private get thumbPx(): number {
    return this.options.thumbCssPx ?? THUMB_CSS_PX;
  }

  /** Copies the attachment's media (and makes its thumbnail) unless done before; undefined when the archive lacks it. */
  async link(a: AttachmentView): Promise<MediaLink | undefined> {
    const sha = a.sha256;
    if (sha === undefined) return undefined;
    const known = this.links.get(sha);
    if (known !== undefined) return known ?? undefined;
    const made = await this.make(sha, a.contentType);
    if (this.links.size >= REMEMBERED) this.links.clear();
    this.links.set(sha, made ?? null);
    return made;
  }

  /** Links for every attachment of a page, by hash. */
  async linkAll(attachments: Iterable<AttachmentView>): Promise<Map<string, MediaLink>> {
    const out = new Map<string, MediaLink>();
    for (const a of attachments) {
      if (a.sha256 === undefined || out.has(a.sha256)) continue;
      const l = await this.link(a);
      if (l) out.set(a.sha256, l);
    }
    return out;
  }

  private async make(sha: string, contentType: string): Promise<MediaLink | undefined> {
    const file = `media/${mediaFileName(sha, contentType)}`;
    const target = path.join(this.root, file);
    if (!fs.existsSync(target)) {
      try {
        await writeBlobFile(this.vault.blobs, sha, target);
      } catch (e) {
        this.missing++;
        this.options.warnings.push(`media ${sha} could not be read (${(e as NodeJS.ErrnoException).code ?? String(e)}); it is listed but not included`);
        return undefined;
      }
    }
    const link: MediaLink = { file };
    if (this.options.thumbnails && mediaKind(contentType) === 'image') {
      const thumb = await this.thumbnail(sha, target);
      if (thumb) link.thumb = thumb;
    }
    return link;
  }

  private async thumbnail(sha: string, image: string): Promise<MediaLink['thumb']> {
    const file = `thumbs/${sha}.webp`;
    const target = path.join(this.root, file);
    try {
      if (!fs.existsSync(target)) {
        await sharp(image, { limitInputPixels: 100_000_000, failOn: 'none' })
          .rotate()
          .resize(this.thumbPx * 2, this.thumbPx * 2, { fit: 'inside', withoutEnlargement: true })
          .webp({ quality: 70 })
          .toFile(target);
      }
      const meta = await sharp(target).metadata();
      const w = meta.width;
      const h = meta.height;
      // Shown at most THUMB_CSS_PX wide or high, keeping the aspect ratio.
      const scale = Math.min(1, this.thumbPx / Math.max(w, h));
      return { file, width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
    } catch {
      // Not an image libvips can read (damaged, or a format it lacks): linked without a thumbnail.
      fs.rmSync(target, { force: true });
      return undefined;
    }
  }
}
