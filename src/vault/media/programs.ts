/**
 * The system programs media conversion runs (Debian's ffmpeg and libheif's heif-dec), found on
 * PATH, and one way to run them: bounded output, and killed when they take too long, so a hostile
 * file cannot hold a conversion slot (or the request waiting on it) for ever.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export type ToolName = 'ffmpeg' | 'ffprobe' | 'heif-dec';

/** Names each tool goes by: libheif before 1.17 called its decoder heif-convert (Debian 12). */
const NAMES: Record<ToolName, string[]> = { ffmpeg: ['ffmpeg'], ffprobe: ['ffprobe'], 'heif-dec': ['heif-dec', 'heif-convert'] };
const PACKAGES: Record<ToolName, string> = { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg', 'heif-dec': 'libheif-examples' };

export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
  constructor(readonly tool: ToolName) {
    super(`${tool} is not installed on the server, so this file cannot be converted for the browser; download the original, or install ${tool} (Debian/Ubuntu: apt-get install ${PACKAGES[tool]})`);
  }
}

/** The program ran but failed, or was killed at its time limit: the file cannot be converted. */
export class ConversionError extends Error {
  override readonly name = 'ConversionError';
}

/** Whether `file` is a regular file this process may run. */
export function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Where a tool is on PATH (looked up on each conversion: installing ffmpeg needs no restart). */
export function findTool(tool: ToolName): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '');
  for (const name of NAMES[tool]) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (executable(file)) return file;
    }
  }
  return undefined;
}

export function requireTool(tool: ToolName): string {
  const found = findTool(tool);
  if (found === undefined) throw new ToolMissingError(tool);
  return found;
}

export interface RunLimits {
  timeoutMs: number;
  /** Bytes of standard output kept; more fails the run. */
  maxStdout: number;
}

const STDERR_KEEP = 2048;

/** Runs a program to its end and answers its standard output; a non-zero exit, a signal or the time limit throw ConversionError. */
export function runTool(file: string, args: string[], limits: RunLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let failure: ConversionError | undefined;
    const kill = (why: string): void => {
      failure ??= new ConversionError(why);
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      kill(`${path.basename(file)} took longer than ${String(Math.round(limits.timeoutMs / 100) / 10)} s and was stopped`);
    }, limits.timeoutMs);
    child.stdout.on('data', (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > limits.maxStdout) kill(`${path.basename(file)} wrote more than ${String(limits.maxStdout)} bytes and was stopped`);
      else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => {
      if (err.length < STDERR_KEEP) err += b.toString('utf8');
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure !== undefined) reject(failure);
      else if (code !== 0) reject(new ConversionError(`${path.basename(file)} failed (${signal ?? `exit ${String(code)}`}): ${lastLine(err)}`));
      else resolve(Buffer.concat(out));
    });
  });
}

/** The last non-empty line a tool wrote, trimmed to a sentence's length: usually the reason. */
function lastLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').at(-1) ?? 'no message';
  return line.slice(0, 200);
}
