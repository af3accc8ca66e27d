/**
 * Where alerts go besides the app's banner and `textvault status`: e-mail and/or a webhook.
 */
import type { Alert } from '../../vault/sources/alerts.js';

export interface AlertEvent {
  type: 'raised' | 'cleared';
  alert: Alert;
  /** The vault folder, so one inbox can tell several vaults apart. */
  vault: string;
}

export interface Notifier {
  /** For error messages: "webhook https://…", "e-mail to a@b". */
  readonly name: string;
  send(event: AlertEvent): Promise<void>;
}

export function subjectOf(e: AlertEvent): string {
  const name = e.alert.sourceName;
  if (e.alert.kind === 'folder') return e.type === 'raised' ? `Textvault: the watched folder of "${name}" is unusable` : `Textvault: the watched folder of "${name}" is back`;
  return e.type === 'raised' ? `Textvault: no new backup from "${name}"` : `Textvault: backups from "${name}" resumed`;
}

export function bodyOf(e: AlertEvent): string {
  if (e.type === 'raised') return `${e.alert.message}\n\nVault: ${e.vault}\nRaised: ${e.alert.raisedAt}\n`;
  const what = e.alert.kind === 'folder' ? `The watched folder of "${e.alert.sourceName}" can be read again` : `A new backup from "${e.alert.sourceName}" arrived`;
  return `${what}; the alert raised ${e.alert.raisedAt} is cleared.\n\nVault: ${e.vault}\n`;
}
