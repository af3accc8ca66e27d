/**
 * What vault/media makes of an original, and its limits: plain data, apart from convert.ts so
 * that routes and commands load sharp only when something is converted.
 */

/** Thumbnail widths: the grid's (160 CSS px) and the bubble's (320), which is the grid's on a 2x screen. */
export const THUMB_WIDTHS = [160, 320] as const;
export type ThumbWidth = (typeof THUMB_WIDTHS)[number];
export const VARIANTS = ['view', 'thumb-160', 'thumb-320'] as const;
export type Variant = (typeof VARIANTS)[number];
/** What one conversion job makes: the view, or the thumbnails. */
export type VariantGroup = 'view' | 'thumbs';

export function groupOf(variant: Variant): VariantGroup {
  return variant === 'view' ? 'view' : 'thumbs';
}

export type Derived =
  | { status: 'ok'; bytes: Buffer; contentType: string }
  /** The browser shows the original as it is, sent with this (sniffed) type. */
  | { status: 'original'; contentType: string }
  /** This kind of media has no such variant (audio has no thumbnail); cached too. */
  | { status: 'none' }
  | { status: 'failed'; error: string };

export interface ConvertLimits {
  /** Originals larger than this are not converted. */
  maxInputBytes: number;
  /** Time limits per program run (or sharp operation) for stills, and for audio/video. */
  imageMs: number;
  avMs: number;
  /** A converted file larger than this is not kept. */
  maxOutputBytes: number;
}

export const DEFAULT_LIMITS: ConvertLimits = { maxInputBytes: 256 * 1024 * 1024, imageMs: 30_000, avMs: 120_000, maxOutputBytes: 256 * 1024 * 1024 };

