/**
 * Where the passphrase of an encrypted backup comes from: a file (`--passphrase-file`), or the
 * terminal with echo off. Never the command line, where other users and shell history see it.
 * Asked once per run, and only when an encrypted file needs it.
 */
import fs from 'node:fs';
import { CommandFailed } from './context.js';

export function passphraseSource(file: string | undefined): () => Promise<string> {
  let cached: Promise<string> | undefined;
  return () =>
    (cached ??=
      file !== undefined ? fromFile(file) : askInTerminal('passphrase: ', 'this backup is encrypted: give its passphrase with --passphrase-file FILE (no terminal to ask in)'));
}

/** A secret from a file: its text without the editor's trailing newline. */
export function fromFile(file: string, what = 'passphrase'): Promise<string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CommandFailed(`cannot read the ${what} file ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // One trailing newline is the editor's, not the passphrase's.
  return Promise.resolve(text.replace(/\r?\n$/, ''));
}

/** Asks for a secret in the terminal with echo off; `noTerminal` is the error when there is none. */
export function askInTerminal(prompt: string, noTerminal: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) {
    return Promise.reject(new CommandFailed(noTerminal));
  }
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let value = '';
    input.setRawMode(true);
    input.resume();
    input.setEncoding('utf8');
    const done = (err?: Error): void => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          done();
          return;
        }
        if (ch === '\u0003') {
          done(new CommandFailed('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}
