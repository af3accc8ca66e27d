/**
 * The notifiers the vault's settings ask for (alerts.webhook, alerts.smtp + alerts.email-to).
 */
import type { Vault } from '../../vault/vault.js';
import { EmailNotifier } from './email.js';
import type { Notifier } from './notifier.js';
import { WebhookNotifier } from './webhook.js';

export async function notifiersFromConfig(vault: Vault): Promise<Notifier[]> {
  const all = await vault.config.all();
  const out: Notifier[] = [];
  const hook = all['alerts.webhook'];
  if (hook !== undefined) out.push(new WebhookNotifier(hook));
  const smtp = all['alerts.smtp'];
  const to = all['alerts.email-to'];
  if (smtp !== undefined && to !== undefined) out.push(new EmailNotifier({ smtpUrl: smtp, to, from: all['alerts.email-from'] ?? to }));
  return out;
}

export { type AlertEvent, type Notifier } from './notifier.js';
export { EmailNotifier } from './email.js';
export { WebhookNotifier } from './webhook.js';
