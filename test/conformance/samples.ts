/**
 * The conformance suite: third-party sample backups (MIT-licensed projects, named in their
 * README) kept beside the project on the developers' machines and in CI, never in the repository.
 * The project's own tests use test/fixtures, which cover the same cases; these files check the
 * same outcomes on real app output when the samples are there, and are skipped with one note in
 * the run's summary when they are not (a fresh clone).
 */
import fs from 'node:fs';
import path from 'node:path';
import { recordSkip } from '../helpers/system.js';

export const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
export const SBR_SAMPLES = path.join(SAMPLES, 'sbr');
export const DEDUP_SAMPLES = path.join(SAMPLES, 'dedup-cases');
const HAVE_SAMPLES = fs.existsSync(SBR_SAMPLES) && fs.existsSync(DEDUP_SAMPLES);

/** True when the samples are missing: the caller skips its tests, and the run's summary says why. */
export function noSamples(): boolean {
  if (!HAVE_SAMPLES) recordSkip({ missing: [], note: 'conformance suite: no third-party samples in ../shared/fixtures (optional; CI has them)' });
  return !HAVE_SAMPLES;
}

/** The sample files of one folder, or none when the samples are missing. */
export function sampleNames(dir: string): string[] {
  return HAVE_SAMPLES ? fs.readdirSync(dir).filter((n) => n.endsWith('.xml')) : [];
}

export function sample(dir: string, name: string): string {
  return path.join(dir, name);
}
