/**
 * Alerts when a source goes quiet: raised once after the expected interval, notified once by a
 * webhook (received by a real local HTTP server) and by e-mail (received by a real local SMTP
 * server), and cleared (with a "resumed" notice) when backups come again.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { EmailNotifier } from '../../src/sources/notify/email.js';
import { notifiersFromConfig } from '../../src/sources/notify/index.js';
import { WebhookNotifier } from '../../src/sources/notify/webhook.js';
import { SourceService } from '../../src/sources/source-service.js';
import { JobQueue } from '../../src/vault/jobs/index.js';
import { activeAlerts } from '../../src/vault/sources/alerts.js';
import { addSource, noteSuccess } from '../../src/vault/sources/registry.js';
import { ManualClock } from '../helpers/clock.js';
import { useVaults } from '../helpers/vault.js';
import { waitFor } from '../helpers/wait.js';

const newVault = useVaults();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

interface Hook {
  url: string;
  received: { event: string; title: string; message: string; text: string; alert: { sourceName: string } }[];
}

async function webhookServer(): Promise<Hook> {
  const received: Hook['received'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/json');
      received.push(JSON.parse(body) as Hook['received'][number]);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => { r(); })));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/textvault`, received };
}

interface Mailbox {
  port: number;
  mails: { from: string; to: string[]; data: string }[];
}

async function smtpServer(): Promise<Mailbox> {
  const mails: Mailbox['mails'] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (d: Buffer) => (data += d.toString()));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => { r(); }));
  closers.push(() => new Promise((r) => { server.close(() => { r(); }); }));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

describe('alerts', () => {
  it('fire once when a source stays quiet past its interval, notify by webhook and e-mail, and clear when backups resume', async () => {
    const vault = await newVault();
    const hook = await webhookServer();
    const mailbox = await smtpServer();
    await vault.config.set('alerts.webhook', hook.url);
    await vault.config.set('alerts.smtp', `smtp://127.0.0.1:${mailbox.port}`);
    await vault.config.set('alerts.email-to', 'owner@example.org');
    await vault.config.set('alerts.email-from', 'textvault@example.org');
    const notifiers = await notifiersFromConfig(vault);
    expect(notifiers.map((n) => n.name)).toEqual([`webhook ${new URL(hook.url).origin}/hooks/textvault`, `e-mail to owner@example.org via 127.0.0.1:${mailbox.port}`]);

    const queue = await JobQueue.open(vault);
    closers.push(() => queue.close());
    const clock = new ManualClock(Date.parse('2026-05-01T12:00:00Z'));
    const phone = await addSource(queue.control.db, { name: 'Pixel 8', kind: 'upload', config: {} }, clock.now());
    await noteSuccess(queue.control.db, phone.id, { delivered: true }, clock.now());
    const service = new SourceService(vault, queue, { clock, notifiers, alertCheckMs: HOUR });
    closers.push(() => service.stop());
    await service.start();
    expect(await service.alerts()).toEqual([]);

    // Three days (the default interval) and one check later: raised.
    await clock.advance(3 * DAY - HOUR);
    expect(await service.alerts()).toEqual([]);
    await clock.advance(2 * HOUR);
    const alerts = await service.alerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ sourceName: 'Pixel 8', kind: 'stale' });
    expect(alerts[0]?.message).toMatch(/No new backup from "Pixel 8" for 3 days \(expected at least every 3d\)/);
    await waitFor('the webhook', () => (hook.received.length > 0 ? true : undefined));
    await waitFor('the e-mail', () => (mailbox.mails.length > 0 ? true : undefined));
    expect(hook.received[0]).toMatchObject({ event: 'alert.raised', title: 'Textvault: no new backup from "Pixel 8"', alert: { sourceName: 'Pixel 8' } });
    expect(mailbox.mails[0]?.to).toEqual(['owner@example.org']);
    expect(mailbox.mails[0]?.from).toBe('textvault@example.org');
    const raisedMail = await simpleParser(mailbox.mails[0]?.data ?? '');
    expect(raisedMail.subject).toBe('Textvault: no new backup from "Pixel 8"');
    expect(raisedMail.text).toMatch(/No new backup from "Pixel 8" for 3 days/);

    // Once: a week of further checks sends nothing more.
    await clock.advance(7 * DAY);
    expect(hook.received).toHaveLength(1);
    expect(mailbox.mails).toHaveLength(1);
    expect(await activeAlerts(queue.control.db)).toHaveLength(1);

    // A backup arrives: the alert clears and a "resumed" notice goes out once.
    await noteSuccess(queue.control.db, phone.id, { delivered: true }, clock.now());
    await service.checkAlerts();
    expect(await service.alerts()).toEqual([]);
    expect(hook.received.map((h) => h.event)).toEqual(['alert.raised', 'alert.cleared']);
    await waitFor('the second e-mail', () => (mailbox.mails.length === 2 ? true : undefined));
    expect((await simpleParser(mailbox.mails[1]?.data ?? '')).subject).toBe('Textvault: backups from "Pixel 8" resumed');

    // Quiet again: a new alert, notified again.
    await clock.advance(3 * DAY + 2 * HOUR);
    expect(await service.alerts()).toHaveLength(1);
    expect(hook.received.map((h) => h.event)).toEqual(['alert.raised', 'alert.cleared', 'alert.raised']);
  });

  it('keeps trying a notification that failed, and reports why', async () => {
    const vault = await newVault();
    const queue = await JobQueue.open(vault);
    closers.push(() => queue.close());
    const clock = new ManualClock(Date.parse('2026-05-01T12:00:00Z'));
    await addSource(queue.control.db, { name: 'tablet', kind: 'upload', config: {}, expectedIntervalMs: DAY }, clock.now());
    const errors: string[] = [];
    // Nothing listens on this port (a server was opened and closed to get a free one).
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const service = new SourceService(vault, queue, {
      clock,
      alertCheckMs: HOUR,
      notifiers: [new WebhookNotifier(`http://127.0.0.1:${deadPort}/x`), new EmailNotifier({ smtpUrl: `smtp://127.0.0.1:${deadPort}`, from: 'a@example.org', to: 'b@example.org' })],
      onNotifyError: (e) => errors.push(e.message),
    });
    closers.push(() => service.stop());
    await service.start();
    await clock.advance(DAY + HOUR);
    expect(await service.alerts()).toHaveLength(1);
    expect(errors.some((e) => e.startsWith(`webhook http://127.0.0.1:${deadPort}/x: could not deliver the alert`))).toBe(true);
    expect(errors.some((e) => e.startsWith('e-mail to b@example.org'))).toBe(true);
    const before = errors.length;
    await clock.advance(HOUR);
    // Not marked notified: the next check tries again.
    expect(errors.length).toBeGreaterThan(before);
    expect((await service.alerts())[0]?.notifiedAt).toBeNull();
  });
});
