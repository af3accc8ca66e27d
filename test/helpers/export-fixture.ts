import path from 'node:path';
import type { Vault } from '../../src/vault/vault.js';
import { EXPORT_FIXTURES } from './golden.js';
import { importAll } from './vault.js';

export const THREAD_MESSAGES = path.join(EXPORT_FIXTURES, 'messages.xml');
export const THREAD_CALLS = path.join(EXPORT_FIXTURES, 'calls.xml');

/** A vault holding the synthetic export fixture: 3 conversations, MMS media, every script, 3 calls. */
export async function importExportFixture(vault: Vault): Promise<void> {
  await importAll(vault, [THREAD_MESSAGES, THREAD_CALLS]);
}
