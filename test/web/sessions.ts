import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Ends every login session server-side, as expiry or a password change does, by deleting the rows
 * from the vault's control database while the server runs (WAL: a second connection is safe).
 */
export function endAllSessions(vaultDir: string): Promise<void> {
  const db = new Database(path.join(vaultDir, 'control.db'));
  try {
    db.pragma('busy_timeout = 5000');
    const n = db.prepare('DELETE FROM sessions').run().changes;
    if (n === 0) throw new Error('no session to end: the test expected a logged-in user');
  } finally {
    db.close();
  }
  return Promise.resolve();
}
