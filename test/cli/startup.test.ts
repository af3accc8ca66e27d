/**
 * The command line loads what a command needs, when it runs it: `--help` answers without the
 * vault's libraries (it took 1.2 s when every command's modules loaded up front; ~0.2 s now),
 * and an import loads the reader of its file's format only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, NODE_FLAGS } from '../helpers/cli.js';
import { fixture, tempDir } from '../helpers/temp.js';

const REGISTER = path.resolve(import.meta.dirname, '../helpers/module-log/register.mjs');
const DIST = path.dirname(path.dirname(CLI));

/** Runs the built CLI and returns what it loaded: package names, and our modules relative to dist/. */
function loadedBy(args: string[]): { code: number | null; packages: Set<string>; ours: Set<string> } {
  const log = path.join(tempDir(), 'modules.log');
  const r = spawnSync(process.execPath, [...NODE_FLAGS, '--import', REGISTER, CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, TEXTVAULT_MODULE_LOG: log },
  });
  const urls = fs.readFileSync(log, 'utf8').split('\n').filter((u) => u.startsWith('file:'));
  const packages = new Set<string>();
  const ours = new Set<string>();
  for (const u of urls) {
    const file = decodeURIComponent(new URL(u).pathname);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (pkg?.[1] !== undefined) packages.add(pkg[1]);
    else if (file.startsWith(DIST)) ours.add(path.relative(DIST, file));
  }
  return { code: r.status, packages, ours };
}

const HEAVY = ['better-sqlite3', 'kysely', 'libphonenumber-js', 'zod', 'fastify', 'imapflow', 'mailparser', 'libsodium-wrappers-sumo', 'yauzl', 'pdfkit', 'htmlparser2'];

describe('command line start-up', () => {
  it('answers --help without loading the vault, the server or any reader', () => {
    const { code, packages, ours } = loadedBy(['--help']);
    expect(code).toBe(0);
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
    // Besides the command line itself: the choices its options list (the format descriptors: data, no reader,
    // and the small checks they use to recognise a file or folder: node:fs only), durations, counts with their noun
    // (formats/plural: Intl only; formats/file-head: a stat and a read of a folder's first bytes), and telling an imap:// URL from a file.
    const light = /^(vault\/durations|formats\/plural|vault\/sources\/source-options|vault\/export\/export-formats|sources\/imap\/target|formats\/formats?|formats\/[a-z]+\/format|formats\/errors|formats\/smsbackupplus\/eml-folder|formats\/superbackup\/folder|formats\/file-head|formats\/googlevoice\/takeout|formats\/androidbackup\/(helium|header|packages))\.js$/;
    expect([...ours].filter((m) => !m.startsWith('cli/') && !light.test(m))).toEqual([]);
  });

  it('imports an SMS Backup & Restore file with its reader only: no server, no mail, no other format', () => {
    const vault = path.join(tempDir(), 'v');
    const { code, packages, ours } = loadedBy(['--vault', vault, 'import', '--json', fixture('sbr', 'sms-threads.xml')]);
    expect(code).toBe(0);
    expect(packages.has('better-sqlite3')).toBe(true);
    expect(ours.has('formats/sbr/reader.js')).toBe(true);
    expect(['fastify', 'imapflow', 'mailparser', 'libsodium-wrappers-sumo', 'htmlparser2'].filter((p) => packages.has(p))).toEqual([]);
    // Every format's descriptor (format.ts) loads; no other format's reader does.
    const others = /^server\/|^sources\/(?!imap\/target\.js)|^formats\/(smsie|smsbackupplus\/(?!eml-folder)|fossify|vcard|ndjson|googlevoice)\/(?!format\.js|takeout\.js)/;
    expect([...ours].filter((m) => others.test(m))).toEqual([]);
  });
});
