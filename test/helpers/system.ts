/**
 * System programs some tests need (Dovecot, Chromium, poppler, fonts, xmllint). A test file asks
 * with `lacks(...)` before its tests: when something is missing the tests are skipped, and the
 * run ends with one summary of what was skipped and how to install it (test/helpers/skip-summary.ts).
 * Under CI=true or TEXTVAULT_TEST_STRICT=1 a missing program is an error instead, so CI runs
 * everything. Programs are looked up on PATH (so hiding them from PATH hides them), with an
 * environment variable to point at one elsewhere.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { executable } from '../../src/vault/media/programs.js';

export interface Requirement {
  /** What the summary calls it. */
  name: string;
  /** The Debian/Ubuntu packages that provide it. */
  apt: string[];
  /** What the tests that need it check, in the words of README's "Running the tests". */
  enables: string;
  /** Where it is, or undefined when it is missing. */
  find: () => string | undefined;
}

/** One line of the skip log: the test file, and what it lacked. */
export interface SkipRecord {
  file: string;
  strict: boolean;
  missing: { name: string; install: string; enables: string }[];
  /** A reason other than a missing program (the conformance suite without its samples). */
  note?: string;
}

/** The file the summary reporter reads (set by it; absent when another reporter runs). */
export const SKIP_LOG_ENV = 'TEXTVAULT_SKIP_LOG';

export function strictMode(): boolean {
  const ci = process.env.CI ?? '';
  return (ci !== '' && ci !== 'false' && ci !== '0') || process.env.TEXTVAULT_TEST_STRICT === '1';
}


/**
 * The first of `names` on PATH. A PATH folder ending in /bin also stands for its sbin sibling
 * (/usr/bin -> /usr/sbin): Dovecot lives in /usr/sbin, which a normal user's PATH lacks on Debian.
 * `envVar`, when set, names the program's path and wins.
 */
export function findProgram(names: string[], envVar?: string): string | undefined {
  const given = envVar === undefined ? undefined : process.env[envVar];
  if (given !== undefined && given !== '') return executable(given) ? given : undefined;
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const name of names) {
    for (const dir of dirs) {
      const candidates = [path.join(dir, name)];
      if (path.basename(dir) === 'bin') candidates.push(path.join(path.dirname(dir), 'sbin', name));
      const found = candidates.find(executable);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The Noto fonts that give PDFs every script: fontconfig's list, or the usual font folders. */
function findNotoFonts(): string | undefined {
  const wanted = ['NotoSans-Regular', 'NotoSansCJK', 'NotoColorEmoji'];
  const fcList = findProgram(['fc-list']);
  let listing = '';
  if (fcList !== undefined) listing = spawnSync(fcList, [], { encoding: 'utf8' }).stdout;
  else {
    const roots = ['/usr/share/fonts', '/usr/local/share/fonts', path.join(os.homedir(), '.local/share/fonts')];
    for (const root of roots) {
      if (fs.existsSync(root)) listing += fs.readdirSync(root, { recursive: true, encoding: 'utf8' }).join('\n');
    }
  }
  return wanted.every((w) => listing.includes(w)) ? 'noto' : undefined;
}

export const DOVECOT: Requirement = {
  name: 'dovecot',
  apt: ['dovecot-imapd'],
  enables: 'the IMAP tests: SMS Backup+ mailboxes on a real Dovecot',
  find: () => findProgram(['dovecot'], 'TEXTVAULT_DOVECOT'),
};

export const OPENSSL: Requirement = {
  name: 'openssl',
  apt: ['openssl'],
  enables: 'the TLS certificate of the test IMAP server',
  find: () => findProgram(['openssl']),
};

export const CHROMIUM: Requirement = {
  name: 'chromium',
  apt: ['chromium'],
  enables: 'PDF export and the browser tests',
  find: () => findProgram(['chromium', 'chromium-browser'], 'TEXTVAULT_CHROMIUM'),
};

export const POPPLER: Requirement = {
  name: 'pdftotext/pdfimages',
  apt: ['poppler-utils'],
  enables: 'checks of the text and images inside exported PDFs',
  find: () => {
    const text = findProgram(['pdftotext']);
    return text !== undefined && findProgram(['pdfimages']) !== undefined ? text : undefined;
  },
};

export const NOTO_FONTS: Requirement = {
  name: 'Noto fonts',
  apt: ['fonts-noto-core', 'fonts-noto-cjk', 'fonts-noto-color-emoji'],
  enables: 'PDFs that show every script (CJK, Cyrillic, Arabic) and colour emoji',
  find: findNotoFonts,
};

export const XMLLINT: Requirement = {
  name: 'xmllint',
  apt: ['libxml2-utils'],
  enables: 'a second XML parser checking the files the SBR writer makes',
  find: () => findProgram(['xmllint']),
};

export const SYSTEMD_ANALYZE: Requirement = {
  name: 'systemd-analyze',
  apt: ['systemd'],
  enables: 'checking deploy/textvault.service with systemd-analyze verify',
  find: () => findProgram(['systemd-analyze']),
};

/**
 * A throwaway single-node Ceph cluster with its S3 gateway (test/helpers/ceph.ts): the monitor, an
 * OSD, radosgw and the tools that set them up (monmaptool, ceph, radosgw-admin). All are needed.
 */
export const CEPH: Requirement = {
  name: 'ceph (mon, osd, radosgw)',
  apt: ['ceph-mon', 'ceph-osd', 'radosgw', 'ceph-common'],
  enables: 'the S3 media store tests, against a real Ceph radosgw',
  find: () => {
    const programs = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'].map((p) => findProgram([p]));
    return programs.every((p) => p !== undefined) ? programs[0] : undefined;
  },
};

export const SCRIPT: Requirement = {
  name: 'script',
  apt: ['bsdutils'],
  enables: 'running the command line on a pseudo-terminal, as a person sees it (progress bar, start-up lines)',
  find: () => findProgram(['script']),
};

export const FFMPEG: Requirement = {
  name: 'ffmpeg/ffprobe',
  apt: ['ffmpeg'],
  enables: 'media conversion for the browser (3GP/AMR to MP4/M4A, video posters) and its media fixtures',
  find: () => {
    const ffmpeg = findProgram(['ffmpeg']);
    return ffmpeg !== undefined && findProgram(['ffprobe']) !== undefined ? ffmpeg : undefined;
  },
};

export const HEIF_TOOLS: Requirement = {
  name: 'heif-enc/heif-dec',
  apt: ['libheif-examples'],
  enables: 'HEIC photos: made with heif-enc, converted with heif-dec (heif-convert before libheif 1.17)',
  find: () => {
    const enc = findProgram(['heif-enc']);
    return enc !== undefined && findProgram(['heif-dec', 'heif-convert']) !== undefined ? enc : undefined;
  },
};

export function installCommand(reqs: Requirement[]): string {
  return `apt-get install ${[...new Set(reqs.flatMap((r) => r.apt))].join(' ')}`;
}

function currentTestFile(): string {
  return expect.getState().testPath ?? 'unknown test file';
}

export function recordSkip(record: Omit<SkipRecord, 'file' | 'strict'>): void {
  const log = process.env[SKIP_LOG_ENV];
  if (log === undefined || log === '') return;
  const line: SkipRecord = { file: currentTestFile(), strict: strictMode(), ...record };
  fs.appendFileSync(log, `${JSON.stringify(line)}\n`);
}

/** Thrown under CI=true / TEXTVAULT_TEST_STRICT=1 when a test needs a program that is not there. */
export class MissingProgramError extends Error {}

/**
 * True when one of `reqs` is missing: the caller skips its tests (`describe.skipIf(lacks(X))`).
 * Under strict mode it throws instead, naming what is missing and the command that installs it.
 */
export function lacks(...reqs: Requirement[]): boolean {
  const missing = reqs.filter((r) => r.find() === undefined);
  if (missing.length === 0) return false;
  recordSkip({ missing: missing.map((r) => ({ name: r.name, install: installCommand([r]), enables: r.enables })) });
  if (strictMode()) {
    const names = missing.map((r) => r.name).join(', ');
    throw new MissingProgramError(
      `${names} not installed — ${installCommand(missing)}. CI=true (or TEXTVAULT_TEST_STRICT=1) runs every test, so a missing program is an error.`,
    );
  }
  return true;
}

/** Where a program `lacks` said is there (for tests that pass its path on). */
export function programPath(req: Requirement): string {
  const found = req.find();
  if (found === undefined) throw new MissingProgramError(`${req.name} not installed — ${installCommand([req])}`);
  return found;
}
