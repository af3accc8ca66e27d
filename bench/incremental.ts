/**
 * Issue 27, item 4: the next day's backup of SMS Backup & Restore's "archive" mode, which
 * rewrites one growing file: the same records, then the new ones, under a root with a new
 * `count` and `backup_date`. `growFile` makes that file from a generated one and a few thousand
 * more generated records.
 */
import fs from 'node:fs';
import { sbrBodyStart } from '../src/formats/sbr/body-start.js';
import { writeSmsBackup, type GeneratorOptions } from './generator.js';

const CLOSE = Buffer.from('</smses>\n');

function bodyOf(file: string): { start: number; end: number; head: string } {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    const start = sbrBodyStart(head.subarray(0, got));
    if (start === undefined) throw new Error(`${file}: no simple prolog`);
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(CLOSE.length);
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    if (!tail.equals(CLOSE)) throw new Error(`${file}: does not end with </smses>`);
    return { start, end: size - CLOSE.length, head: head.subarray(0, start).toString('utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

function copyRange(from: string, start: number, end: number, out: number): void {
  const fd = fs.openSync(from, 'r');
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (let at = start; at < end; ) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, end - at), at);
      fs.writeSync(out, buf, 0, n);
      at += n;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `out`: `base`'s records, then `more`'s (generated), under a root counting them all, a day later. */
export async function growFile(base: string, baseCount: number, more: GeneratorOptions, out: string): Promise<void> {
  const extra = out + '.extra';
  await writeSmsBackup(extra, more);
  try {
    const a = bodyOf(base);
    const b = bodyOf(extra);
    const count = baseCount + more.sms + more.mms;
    const head = a.head.replace(/count="\d+"/, `count="${count}"`).replace(/backup_date="(\d+)"/, (_m, d: string) => `backup_date="${Number(d) + 86_400_000}"`);
    const fd = fs.openSync(out, 'w');
    try {
      fs.writeSync(fd, head);
      copyRange(base, a.start, a.end, fd);
      copyRange(extra, b.start, b.end, fd);
      fs.writeSync(fd, CLOSE);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(extra, { force: true });
  }
}
