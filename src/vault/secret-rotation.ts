/**
 * `textvault secret rotate`: a new secret key for the vault, every sealed secret (the alert
 * e-mails' SMTP password, IMAP sources' passwords, waiting import jobs' passphrases) sealed again
 * under it, and the old key gone.
 * For when the key may have leaked (a copied vault folder, a backup left somewhere).
 *
 * Steps, each safe to be killed after (secrets.ts opens a value under any of the three keys, and
 * running the command again carries on from where it stopped):
 * 1. the new key is written to `<key file>.next`;
 * 2. every sealed value is sealed again under it (one transaction per database);
 * 3. the old key is kept as `<key file>.previous` and the new one renamed over the key file, so
 *    from now on new values are sealed under it;
 * 4. values a running server sealed under the old key between 2 and 3 are sealed again;
 * 5. `<key file>.previous` is removed: the old key opens nothing any more.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { SECRET_KEY_PREFIX } from './config.js';
import { fsyncPath } from './fsync.js';
import { jobPassphrasePurpose } from './jobs/job-secrets.js';
import { isSealed, keyForSealing, openSecret, openWithKey, readKey, rotationKeyFiles, sealWithKey, SecretError, secretKeyFile } from './secrets.js';
import { IMAP_PASSWORD_PURPOSE } from './sources/mailbox.js';
import type { ControlDb } from './sources/registry.js';
import type { Vault } from './vault.js';

export interface RotationResult {
  keyFile: string;
  /** Values sealed again (a value sealed twice when a rotation was resumed counts twice). */
  resealed: number;
  /** An earlier rotation had been stopped part-way and was completed. */
  resumed: boolean;
}

export async function rotateSecretKey(vault: Vault, control: ControlDb): Promise<RotationResult> {
  const file = secretKeyFile(vault.dir);
  const { next, previous } = rotationKeyFiles(file);
  const resumed = fs.existsSync(next) || fs.existsSync(previous);
  if (readKey(file) === undefined && !fs.existsSync(next))
    throw new SecretError(`the vault has no secret key yet (${file}): no secret is sealed, so there is nothing to rotate`);
  let resealed = 0;
  if (fs.existsSync(next) || !fs.existsSync(previous)) {
    const nextKey = keyForSealing(next);
    resealed += await resealAll(vault, control, nextKey);
    if (fs.existsSync(file)) {
      fs.rmSync(previous, { force: true });
      fs.linkSync(file, previous);
    }
    try {
      fs.renameSync(next, file);
    } catch (e) {
      // Another rotation renamed it first: fine when its key is ours.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !readKey(file)?.equals(nextKey)) throw e;
    }
    fsyncPath(path.dirname(file));
  }
  const key = readKey(file);
  if (key === undefined) throw new SecretError(`the vault's secret key ${file} went missing during the rotation: restore it from ${previous} or a backup`);
  resealed += await resealAll(vault, control, key);
  fs.rmSync(previous, { force: true });
  fsyncPath(path.dirname(file));
  return { keyFile: file, resealed, resumed };
}

/** Seals again under `key` every sealed value that `key` does not open yet; returns how many. */
async function resealAll(vault: Vault, control: ControlDb, key: Buffer): Promise<number> {
  const again = async (purpose: string, sealed: string): Promise<string | undefined> => {
    if ((await openWithKey(key, purpose, sealed)) !== undefined) return undefined;
    return sealWithKey(key, purpose, await openSecret(vault.dir, purpose, sealed));
  };
  let n = 0;
  const archive: Kysely<{ config: { key: string; value: string } }> = vault.store.db;
  await archive.transaction().execute(async (tx) => {
    const rows = await tx.selectFrom('config').select(['key', 'value']).where('key', 'like', `${SECRET_KEY_PREFIX}%`).execute();
    for (const r of rows) {
      if (!isSealed(r.value)) continue;
      const value = await again(r.key.slice(SECRET_KEY_PREFIX.length), r.value);
      if (value === undefined) continue;
      await tx.updateTable('config').set({ value }).where('key', '=', r.key).execute();
      n++;
    }
  });
  await control.transaction().execute(async (tx) => {
    const rows = await tx.selectFrom('sources').select(['id', 'config_json']).where('kind', '=', 'imap').execute();
    for (const r of rows) {
      const config = JSON.parse(r.config_json) as { sealedPassword?: unknown };
      if (typeof config.sealedPassword !== 'string' || !isSealed(config.sealedPassword)) continue;
      const sealedPassword = await again(IMAP_PASSWORD_PURPOSE, config.sealedPassword);
      if (sealedPassword === undefined) continue;
      await tx.updateTable('sources').set({ config_json: JSON.stringify({ ...config, sealedPassword }) }).where('id', '=', r.id).execute();
      n++;
    }
    // Passphrases of import jobs waiting to run (job-secrets.ts).
    for (const r of await tx.selectFrom('job_secrets').select(['job_id', 'sealed_passphrase']).execute()) {
      const sealed = await again(jobPassphrasePurpose(r.job_id), r.sealed_passphrase);
      if (sealed === undefined) continue;
      await tx.updateTable('job_secrets').set({ sealed_passphrase: sealed }).where('job_id', '=', r.job_id).execute();
      n++;
    }
  });
  return n;
}
