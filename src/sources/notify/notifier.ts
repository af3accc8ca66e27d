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
  return e.type === 'raised' ? `Textvault: no new backup from "${e.alert.sourceName}"` : `Textvault: backups from "${e.alert.sourceName}" resumed`;
}

export function bodyOf(e: AlertEvent): string {
  if (e.type === 'raised') return `${e.alert.message}\n\nVault: ${e.vault}\nRaised: ${e.alert.raisedAt}\n`;
  return `A new backup from "${e.alert.sourceName}" arrived; the alert raised ${e.alert.raisedAt} is cleared.\n\nVault: ${e.vault}\n`;
}
