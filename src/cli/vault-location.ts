/**
 * Where the vault lives when the command line names none. An installed `textvault` runs from any
 * folder, so the default cannot be relative to the working directory (every folder would grow
 * its own empty vault): it is the platform's folder for application data, the place backups and
 * file managers expect a program's data to be.
 */
import os from 'node:os';
import path from 'node:path';

export const APP_FOLDER = 'textvault';

/** The platform's data folder for Textvault (not created here; opening the vault creates it). */
export function platformVaultDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return path.win32.join(local && path.win32.isAbsolute(local) ? local : path.win32.join(home, 'AppData', 'Local'), APP_FOLDER);
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER);
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return path.posix.join(xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share'), APP_FOLDER);
}

/** How the default reads in `--help` on this platform (the rule, then where it points here). */
export function describeDefaultVault(): string {
  const rule =
    process.platform === 'win32'
      ? '%LOCALAPPDATA%\\textvault'
      : process.platform === 'darwin'
        ? '~/Library/Application Support/textvault'
        : '$XDG_DATA_HOME/textvault or ~/.local/share/textvault';
  return `$TEXTVAULT_DIR, else ${rule} (here: ${platformVaultDir()})`;
}

export interface VaultChoice {
  /** `--vault DIR`: always wins. */
  vault?: string | undefined;
  /** `--default-vault DIR`: what `npm start` in a checkout passes, so the checkout's ./vault stays its vault. */
  defaultVault?: string | undefined;
}

/** `--vault`, else $TEXTVAULT_DIR, else `--default-vault`, else the platform's data folder; absolute. */
export function resolveVaultDir(choice: VaultChoice, env: NodeJS.ProcessEnv = process.env): string {
  const picked = choice.vault ?? (env.TEXTVAULT_DIR || undefined) ?? choice.defaultVault;
  return path.resolve(picked ?? platformVaultDir(env));
}
