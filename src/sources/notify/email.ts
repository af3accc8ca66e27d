/**
 * Alert notifications by e-mail through an SMTP server (nodemailer).
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { bodyOf, subjectOf, type AlertEvent, type Notifier } from './notifier.js';

export class EmailError extends Error {
  override readonly name = 'EmailError';
}

export interface EmailSettings {
  /** smtp://user:pass@host:587 or smtps://…:465. */
  smtpUrl: string;
  from: string;
  to: string;
}

export class EmailNotifier implements Notifier {
  readonly name: string;
  private readonly transport: Transporter;

  constructor(private readonly settings: EmailSettings) {
    let host: string;
    try {
      const u = new URL(settings.smtpUrl);
      if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('bad scheme');
      host = u.host;
    } catch {
      throw new EmailError(`"${settings.smtpUrl.replace(/\/\/[^@/]*@/, '//…@')}" is not an SMTP URL: use smtp://user:password@host:587 or smtps://…:465`);
    }
    this.name = `e-mail to ${settings.to} via ${host}`;
    this.transport = nodemailer.createTransport(settings.smtpUrl);
  }

  async send(event: AlertEvent): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.settings.from, to: this.settings.to, subject: subjectOf(event), text: bodyOf(event) });
    } catch (e) {
      throw new EmailError(`${this.name}: could not send the alert (${e instanceof Error ? e.message : String(e)})`);
    }
  }
}
