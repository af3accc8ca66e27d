/**
 * The vault's control database (control.db beside the archive): jobs, sources, device tokens and
 * alerts. Why it is a separate file: see src/store/control-schema.ts.
 */
import path from 'node:path';
import { openControlStore, type ControlStore } from '../store/database.js';
import type { Vault } from './vault.js';

export const CONTROL_DB_FILE = 'control.db';

export function openControl(vault: Vault): Promise<ControlStore> {
  return openControlStore(path.join(vault.dir, CONTROL_DB_FILE));
}

export type { ControlStore };
