/**
 * The notifiers the vault's settings ask for (alerts.webhook, alerts.smtp + alerts.email-to).
 */
import type { Vault } from '../../vault/vault.js';
import { EmailNotifier } from './email.js';
import type { Notifier } from './notifier.js';
import { WebhookNotifier } from './webhook.js';

/**
 * `onWarning`: told when a configured notifier cannot be made (its sealed SMTP password does not
 * open); the others still are. Default: stderr.
 */
export async function notifiersFromConfig(vault: Vault, onWarning: (message: string) => void = (m) => process.stderr.write(`textvault: ${m}\n`)): Promise<Notifier[]> {
  const all = await vault.config.all();
  const out: Notifier[] = [];
  const hook = all['alerts.webhook'];
  if (hook !== undefined) out.push(new WebhookNotifier(hook));
  const to = all['alerts.email-to'];
  if (to === undefined) return out;
  let smtp: string | undefined;
  try {
    smtp = await vault.config.smtpUrl();
  } catch (e) {
    onWarning(`alert e-mails are off: ${e instanceof Error ? e.message : String(e)} (textvault config set alerts.smtp URL)`);
    return out;
  }
  if (smtp !== undefined) out.push(new EmailNotifier({ smtpUrl: smtp, to, from: all['alerts.email-from'] ?? to }));
  return out;
}

export { type AlertEvent, type Notifier } from './notifier.js';
export { EmailNotifier } from './email.js';
export { WebhookNotifier } from './webhook.js';
