/**
 * The passphrase of an encrypted backup while its import job waits (docs/security.md): given in
 * the web app (with the upload, or after the job failed asking for it), sealed under the vault's
 * secret key (secrets.ts) in the control database's job_secrets table, opened once when the job
 * reads the file, and deleted when the job ends, whatever the outcome. A watched folder's own
 * passphrase comes from the file `textvault source add --passphrase-file` named on the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PassphraseRequiredError } from '../../formats/errors.js';
import type { ControlDb } from '../sources/registry.js';
import { openSecret, sealSecret } from '../secrets.js';

/** The sealed value's associated data: it opens for this job only. */
export function jobPassphrasePurpose(jobId: number): string {
  return `job.${jobId}.passphrase`;
}

/** The passphrase sealed for storing with job `jobId` (before the row exists: sealing loads libsodium). */
export function sealJobPassphrase(vaultDir: string, jobId: number, passphrase: string): Promise<string> {
  return sealSecret(vaultDir, jobPassphrasePurpose(jobId), passphrase);
}

/** Stores (or replaces) the sealed passphrase of job `jobId`. */
export async function putJobPassphrase(db: ControlDb, jobId: number, sealed: string): Promise<void> {
  await db
    .insertInto('job_secrets')
    .values({ job_id: jobId, sealed_passphrase: sealed, created_at: Date.now() })
    .onConflict((c) => c.column('job_id').doUpdateSet({ sealed_passphrase: sealed, created_at: Date.now() }))
    .execute();
}

/** The passphrase given for job `jobId`, or undefined when none was. */
export async function jobPassphrase(vaultDir: string, db: ControlDb, jobId: number): Promise<string | undefined> {
  const row = await db.selectFrom('job_secrets').select('sealed_passphrase').where('job_id', '=', jobId).executeTakeFirst();
  return row === undefined ? undefined : openSecret(vaultDir, jobPassphrasePurpose(jobId), row.sealed_passphrase);
}

/** Forgets job `jobId`'s passphrase: at the job's end, used or not. */
export async function dropJobPassphrase(db: ControlDb, jobId: number): Promise<void> {
  await db.deleteFrom('job_secrets').where('job_id', '=', jobId).execute();
}

/** A watched folder's passphrase file (set on the server's command line only): its text without the editor's trailing newline. */
export function passphraseFromFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    throw new PassphraseRequiredError(
      `the source's passphrase file ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): fix it on the server, or enter the backup's password in the web app`,
    );
  }
}

/** Why no passphrase was at hand, and where to give one (the web app shows its own sentence). */
export function passphraseMissing(name: string, from: 'upload' | 'device' | 'folder' | 'cli'): PassphraseRequiredError {
  const shown = path.basename(name);
  const where =
    from === 'folder'
      ? 'enter its password on the Backups page of the web app (failed imports), or give the source one with textvault source add --passphrase-file FILE'
      : from === 'cli'
        ? 'import it with textvault import --passphrase-file FILE, or upload it in the web app to be asked for its password'
        : 'enter its password on the Backups page of the web app (failed imports) to import it';
  return new PassphraseRequiredError(`${shown} is encrypted: ${where}`);
}
