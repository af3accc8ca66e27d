/**
 * Turns one original attachment into what a browser shows: a `view` (the original itself when the
 * browser can show it, else a JPEG of a still image, an H.264/AAC MP4 of a video, an AAC M4A of
 * audio) and two WebP thumbnails (images, and a video's first frame). Pure work on a file in a
 * private temp folder; caching is derived-media.ts's job.
 *
 * Choices, measured (BENCHMARKS.md "Media conversion"):
 * - sharp (libvips) for every still image but HEIF: its prebuilt libvips has libheif without an
 *   HEVC decoder ("Support for this compression format has not been built in: HEVC"), and nearly
 *   every HEIC a phone takes is HEVC. Debian's heif-dec (libheif + libde265) writes the JPEG view
 *   directly (about 40 ms for a 640x480 HEIC); sharp makes the thumbnails from it.
 * - ffmpeg for audio and video, with the demuxer chosen from the sniffed bytes (`-f`), never
 *   guessed by ffmpeg: a playlist or concat file in a backup must not make it open other files.
 * - AAC in MP4 rather than Opus: it plays in every browser, Safari included.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { BROWSER_IMAGES, CONVERTED_IMAGES, IMAGE_TYPES, sniff, type Sniffed, type SniffedFormat } from './media-kind.js';
import { ConversionError, requireTool, runTool, ToolMissingError } from './programs.js';
import { DEFAULT_LIMITS, THUMB_WIDTHS, type ConvertLimits, type Derived, type ThumbWidth, type Variant, type VariantGroup } from './variants.js';

export interface ConvertInput {
  /** The original's bytes, in a private temp folder (`dir`, where outputs go too). */
  file: string;
  dir: string;
  head: Buffer;
  declaredType: string | null;
}

/** sharp's pixel bound: a 100-megapixel image decodes in about 400 MB; a "decompression bomb" fails. */
const MAX_PIXELS = 100_000_000;

sharp.cache(false);

function sharpOf(input: string | Buffer, limits: ConvertLimits): Sharp {
  return sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'error' })
    .rotate()
    .timeout({ seconds: Math.max(1, Math.ceil(limits.imageMs / 1000)) });
}

async function thumbnails(source: string | Buffer, limits: ConvertLimits): Promise<Record<`thumb-${ThumbWidth}`, Derived>> {
  const out: Partial<Record<`thumb-${ThumbWidth}`, Derived>> = {};
  for (const w of THUMB_WIDTHS) {
    // Tall images are bounded too, so a 320 x 10,000 strip does not become a full-size "thumbnail".
    const bytes = await sharpOf(source, limits).resize({ width: w, height: w * 3, fit: 'inside', withoutEnlargement: true }).webp({ quality: 72 }).toBuffer();
    out[`thumb-${w}`] = { status: 'ok', bytes, contentType: 'image/webp' };
  }
  return { 'thumb-160': out['thumb-160'] ?? { status: 'none' }, 'thumb-320': out['thumb-320'] ?? { status: 'none' } };
}

function failedOf(e: unknown, wanted: VariantGroup): Partial<Record<Variant, Derived>> {
  const failed = failedAll(e);
  return wanted === 'view' ? { view: failed.view } : { 'thumb-160': failed['thumb-160'], 'thumb-320': failed['thumb-320'] };
}

function failedAll(e: unknown): Record<Variant, Derived> {
  if (e instanceof ToolMissingError || (!(e instanceof ConversionError) && !isSharpError(e))) throw e;
  const error = (e as Error).message.split('\n')[0]?.slice(0, 300) ?? 'unknown error';
  return { view: { status: 'failed', error }, 'thumb-160': { status: 'failed', error }, 'thumb-320': { status: 'failed', error } };
}

/** sharp reports bad input as plain Errors thrown by libvips; anything from it is about the file. */
function isSharpError(e: unknown): boolean {
  return e instanceof Error && !('code' in e);
}

async function convertImage(input: ConvertInput, sniffed: Sniffed, limits: ConvertLimits): Promise<Record<Variant, Derived>> {
  try {
    const type = IMAGE_TYPES[sniffed.format];
    if (BROWSER_IMAGES.has(sniffed.format) && type !== undefined) return { view: { status: 'original', contentType: type }, ...(await thumbnails(input.file, limits)) };
    let view: Buffer;
    if (sniffed.format === 'heif') {
      const out = path.join(input.dir, 'view.jpg');
      await runTool(requireTool('heif-dec'), ['--quiet', '-q', '88', input.file, out], { timeoutMs: limits.imageMs, maxStdout: 64 * 1024 });
      view = await readOutput(input.dir, 'view', limits);
    } else {
      view = await sharpOf(input.file, limits).jpeg({ quality: 85 }).toBuffer();
    }
    return { view: { status: 'ok', bytes: view, contentType: 'image/jpeg' }, ...(await thumbnails(view, limits)) };
  } catch (e) {
    return failedAll(e);
  }
}

/** A program's output file: heif-dec names it `view-1.jpg`... when the file holds several images. */
async function readOutput(dir: string, stem: string, limits: ConvertLimits): Promise<Buffer> {
  const name = fs.readdirSync(dir).filter((n) => n.startsWith(stem)).sort()[0];
  if (name === undefined) throw new ConversionError('the converter wrote no output');
  const file = path.join(dir, name);
  if (fs.statSync(file).size > limits.maxOutputBytes) throw new ConversionError(`the converted file is larger than ${String(limits.maxOutputBytes)} bytes`);
  return fs.promises.readFile(file);
}

/** The demuxer for each format ffmpeg is given (see the header). */
const DEMUXERS: Partial<Record<SniffedFormat, string>> = { isobmff: 'mov', matroska: 'matroska', ogg: 'ogg', amr: 'amr', qcelp: 'qcp', mp3: 'mp3', wav: 'wav' };
const BROWSER_VIDEO = new Set(['h264', 'vp8', 'vp9', 'av1']);
const BROWSER_AUDIO = new Set(['aac', 'mp3', 'opus', 'vorbis', 'flac']);

interface Probe {
  streams?: { codec_type?: string; codec_name?: string; disposition?: { attached_pic?: number } }[];
}

function inputArgs(demuxer: string, file: string): string[] {
  return ['-v', 'error', '-nostdin', '-protocol_whitelist', 'file', '-f', demuxer, '-i', file];
}

/**
 * Audio and video: `wanted` says which half, as a video's poster (asked for as soon as a thread
 * shows it) is a frame's work and its MP4 (asked for when it plays) a transcode's.
 */
async function convertAv(input: ConvertInput, sniffed: Sniffed, limits: ConvertLimits, wanted: VariantGroup): Promise<Partial<Record<Variant, Derived>>> {
  const demuxer = DEMUXERS[sniffed.format];
  const none: Derived = { status: 'none' };
  if (demuxer === undefined) return failedOf(new ConversionError('not an audio or video format Textvault converts'), wanted);
  try {
    const probeOut = await runTool(
      requireTool('ffprobe'),
      ['-v', 'error', '-protocol_whitelist', 'file', '-f', demuxer, '-show_entries', 'stream=codec_type,codec_name:stream_disposition=attached_pic', '-of', 'json', input.file],
      { timeoutMs: Math.min(limits.avMs, 20_000), maxStdout: 1024 * 1024 },
    );
    const streams = (JSON.parse(probeOut.toString('utf8')) as Probe).streams ?? [];
    const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
    const audio = streams.filter((s) => s.codec_type === 'audio');
    if (video === undefined && audio.length === 0) throw new ConversionError('it holds no audio or video ffmpeg can read');
    const phoneContainer = sniffed.brand?.startsWith('3g') === true;
    const audioOk = audio.every((s) => BROWSER_AUDIO.has(s.codec_name ?? ''));
    const ffmpeg = requireTool('ffmpeg');
    if (video !== undefined) {
      const playable = !phoneContainer && (sniffed.format === 'isobmff' || sniffed.format === 'matroska') && BROWSER_VIDEO.has(video.codec_name ?? '') && audioOk;
      if (wanted === 'thumbs') {
        const frame = await runTool(ffmpeg, [...inputArgs(demuxer, input.file), '-map', '0:v:0', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', '-'], {
          timeoutMs: limits.avMs,
          maxStdout: 64 * 1024 * 1024,
        });
        return await thumbnails(frame, limits);
      }
      let view: Derived;
      if (playable) view = { status: 'original', contentType: sniffed.format === 'matroska' ? 'video/webm' : 'video/mp4' };
      else {
        const out = path.join(input.dir, 'view.mp4');
        // Even dimensions (yuv420p needs them), at most 1280 wide: MMS video is small, and this bounds the work.
        await runTool(
          ffmpeg,
          [
            ...inputArgs(demuxer, input.file),
            ...['-map', '0:v:0', '-map', '0:a:0?', '-threads', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-pix_fmt', 'yuv420p'],
            ...['-vf', "scale='trunc(min(1280,iw)/2)*2':-2", '-c:a', 'aac', '-b:a', '96k', '-ar', '44100', '-movflags', '+faststart', '-f', 'mp4', out],
          ],
          { timeoutMs: limits.avMs, maxStdout: 64 * 1024 },
        );
        view = { status: 'ok', bytes: await readOutput(input.dir, 'view', limits), contentType: 'video/mp4' };
      }
      return { view };
    }
    if (wanted === 'thumbs') return { 'thumb-160': none, 'thumb-320': none };
    const audioTypes: Partial<Record<SniffedFormat, string>> = { mp3: 'audio/mpeg', ogg: 'audio/ogg', matroska: 'audio/webm', isobmff: 'audio/mp4' };
    const originalType = audioTypes[sniffed.format];
    if (!phoneContainer && audioOk && originalType !== undefined) return { view: { status: 'original', contentType: originalType } };
    const out = path.join(input.dir, 'view.m4a');
    await runTool(ffmpeg, [...inputArgs(demuxer, input.file), '-map', '0:a:0', '-vn', '-c:a', 'aac', '-b:a', '64k', '-ar', '44100', '-movflags', '+faststart', '-f', 'mp4', out], {
      timeoutMs: limits.avMs,
      maxStdout: 64 * 1024,
    });
    return { view: { status: 'ok', bytes: await readOutput(input.dir, 'view', limits), contentType: 'audio/mp4' } };
  } catch (e) {
    return failedOf(e, wanted);
  }
}

/**
 * The `wanted` variants of one original (a still image's are all made at once: one decode serves
 * them). Throws ToolMissingError: not a property of the file, so never cached.
 */
export async function convertMedia(input: ConvertInput, wanted: VariantGroup, limits: ConvertLimits = DEFAULT_LIMITS): Promise<Partial<Record<Variant, Derived>>> {
  const sniffed = sniff(input.head);
  if (BROWSER_IMAGES.has(sniffed.format) || CONVERTED_IMAGES.has(sniffed.format)) return convertImage(input, sniffed, limits);
  if (sniffed.format !== 'unknown') return convertAv(input, sniffed, limits, wanted);
  const declared = (input.declaredType ?? '').toLowerCase();
  const what = declared.startsWith('image/') ? 'an image format' : declared.startsWith('video/') || declared.startsWith('audio/') ? 'an audio or video format' : 'a media format';
  return failedAll(new ConversionError(`its bytes are not ${what} Textvault converts`));
}
