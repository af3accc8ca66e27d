/**
 * Alert notifications as a JSON POST. The body carries `title` and `message` (ntfy, Gotify) and
 * `text` (Slack-style hooks) besides the alert itself, so common receivers need no adapter.
 */
import { bodyOf, subjectOf, type AlertEvent, type Notifier } from './notifier.js';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
}

export class WebhookNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly timeoutMs = 10_000,
  ) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new WebhookError(`"${url}" is not a webhook URL: give a full http:// or https:// address`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new WebhookError(`webhook URL ${url} must start with http:// or https://`);
    // Never echo credentials that may sit in the URL.
    this.name = `webhook ${parsed.origin}${parsed.pathname}`;
  }

  async send(event: AlertEvent): Promise<void> {
    const title = subjectOf(event);
    const message = bodyOf(event);
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ event: `alert.${event.type}`, title, message, text: `${title}\n${message}`, priority: event.type === 'raised' ? 8 : 3, alert: event.alert, vault: event.vault }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new WebhookError(`${this.name}: could not deliver the alert (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!res.ok) throw new WebhookError(`${this.name}: the receiver answered ${res.status} ${res.statusText}`);
    await res.body?.cancel();
  }
}
