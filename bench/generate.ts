/**
 * Command line for the synthetic backup generator.
 *
 *   tsx bench/generate.ts --sms 1000000 --mms 0 --out bench/data/sms-1m.xml
 *     [--media-bytes N] [--big-attachment-mb N] [--contacts N] [--legacy-emoji-ratio R]
 *     [--calls N --calls-out path] [--seed N]
 *
 * `--big-attachment-mb` is in decimal megabytes (1 MB = 1,000,000 bytes) and may be fractional.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeCallsBackup, writeSmsBackup, type GeneratorOptions } from './generator.js';

const USAGE =
  'usage: tsx bench/generate.ts --sms N --mms N --out FILE [--media-bytes N] [--big-attachment-mb N]\n' +
  '         [--contacts N] [--legacy-emoji-ratio R] [--calls N --calls-out FILE] [--seed N]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

/** Parses a number option; `undefined` when absent so the generator's defaults apply. */
function num(name: string, raw: string | undefined, integer = true): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < 0 || (integer && !Number.isSafeInteger(value))) {
    fail(`--${name}: expected a non-negative ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sms: { type: 'string' },
      mms: { type: 'string' },
      out: { type: 'string' },
      'media-bytes': { type: 'string' },
      'big-attachment-mb': { type: 'string' },
      contacts: { type: 'string' },
      'legacy-emoji-ratio': { type: 'string' },
      calls: { type: 'string' },
      'calls-out': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  const seed = num('seed', values.seed);
  const calls = num('calls', values.calls);
  const wantsSms = values.sms !== undefined || values.mms !== undefined || values.out !== undefined;
  if (!wantsSms && calls === undefined) fail('nothing to do');

  if (wantsSms) {
    const out = values.out ?? fail('--out is required');
    const bigMb = num('big-attachment-mb', values['big-attachment-mb'], false);
    const ratio = num('legacy-emoji-ratio', values['legacy-emoji-ratio'], false);
    if (ratio !== undefined && ratio > 1) fail('--legacy-emoji-ratio must be between 0 and 1');
    const opts: GeneratorOptions = {
      sms: num('sms', values.sms) ?? 0,
      mms: num('mms', values.mms) ?? 0,
      seed,
      mediaBytes: num('media-bytes', values['media-bytes']),
      bigAttachmentBytes: bigMb === undefined ? undefined : Math.round(bigMb * 1e6),
      contacts: num('contacts', values.contacts),
      legacyEmojiRatio: ratio,
    };
    await mkdir(dirname(out), { recursive: true });
    const started = performance.now();
    const r = await writeSmsBackup(out, opts);
    const secs = (performance.now() - started) / 1000;
    process.stdout.write(
      `${out}: ${r.bytes} bytes (${mb(r.bytes)}), ${r.sms} sms, ${r.mms} mms, ${secs.toFixed(2)} s, ${mb(r.bytes / secs)}/s\n`,
    );
  }

  if (calls !== undefined) {
    const out = values['calls-out'] ?? fail('--calls-out is required with --calls');
    await mkdir(dirname(out), { recursive: true });
    const started = performance.now();
    const r = await writeCallsBackup(out, { calls, seed, contacts: num('contacts', values.contacts) });
    const secs = (performance.now() - started) / 1000;
    process.stdout.write(`${out}: ${r.bytes} bytes (${mb(r.bytes)}), ${r.calls} calls, ${secs.toFixed(2)} s\n`);
  }
}

await main();
