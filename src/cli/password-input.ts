/**
 * Reads a password without it ever being a command-line argument (visible in `ps` and shell
 * history): typed at a hidden prompt on a terminal, or the first line of standard input when piped.
 */
import readline from 'node:readline';

async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

function hiddenPrompt(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done();
          return;
        }
        if (ch === '\u0003') {
          done(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLine(process.stdin);
  const first = await hiddenPrompt('New password: ');
  const again = await hiddenPrompt('Repeat it: ');
  if (first !== again) throw new Error('the two passwords differ; nothing was changed');
  return first;
}

/** A line typed at a visible prompt, or the first line of standard input when piped (a confirmation). */
export async function readLine(question: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(question);
  return firstLine(process.stdin);
}
