/**
 * A real Dovecot IMAP server for tests: started on free loopback ports with a configuration,
 * passwd-file, maildir and self-signed certificate in a temporary folder, running as the current
 * user (no root-owned paths, no system configuration), and stopped after the tests.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DOVECOT, OPENSSL, programPath } from './system.js';
import { freePort } from './ports.js';

export interface Dovecot {
  host: string;
  /** Plain IMAP (STARTTLS offered). */
  port: number;
  /** IMAP over TLS. */
  tlsPort: number;
  user: string;
  password: string;
  /** The self-signed certificate the server presents (PEM), to trust it in a test. */
  certPem: string;
  certFile: string;
  dir: string;
  /** Puts mails straight into the user's maildir folder (fast seeding for benchmarks); Dovecot assigns UIDs on first SELECT. */
  seedMaildir(folder: string, mails: Buffer[]): void;
  stop(): Promise<void>;
}

function waitForPort(port: number, child: ChildProcess, log: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null) {
        reject(new Error(`dovecot exited with ${child.exitCode}: ${readLog(log)}`));
        return;
      }
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`dovecot did not listen on ${port}: ${readLog(log)}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function readLog(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

export async function startDovecot(options: { user?: string; password?: string } = {}): Promise<Dovecot> {
  // On PATH (or its sbin sibling) or $TEXTVAULT_DOVECOT; test files skip first when it is missing.
  const dovecotBin = programPath(DOVECOT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'textvault-dovecot-'));
  const user = options.user ?? 'alice';
  const password = options.password ?? 'correct horse';
  const me = os.userInfo();
  const [port, tlsPort] = [await freePort(), await freePort()];
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    programPath(OPENSSL),
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore' },
  );
  fs.mkdirSync(path.join(dir, 'run'));
  fs.mkdirSync(path.join(dir, 'state'));
  fs.mkdirSync(path.join(dir, 'home'));
  fs.writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`);
  const accounts = serviceAccounts(me);
  if (me.uid === 0) {
    // Run as root (CI containers): Dovecot's login and internal processes refuse root, so they
    // run as Dovecot's own unprivileged users and must be able to reach the temporary folder.
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'passwd'), 0o644);
    // Dovecot refuses uid 0 for mail: the mailbox belongs to its internal user.
    fs.chownSync(path.join(dir, 'home'), accounts.mailUid, accounts.mailGid);
  }
  const log = path.join(dir, 'dovecot.log');
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${log}
info_log_path = ${log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <${certFile}
ssl_key = <${keyFile}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = ${accounts.internal}
default_internal_group = ${accounts.internalGroup}
default_login_user = ${accounts.login}
first_valid_uid = ${accounts.mailUid}
first_valid_gid = ${accounts.mailGid}
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${accounts.mailUid} gid=${accounts.mailGid} home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${tlsPort}
    ssl = yes
  }
}
service anvil {
  chroot =
}
service stats {
  inet_listener http {
    port = 0
  }
}
`,
  );
  const child = spawn(dovecotBin, ['-F', '-c', conf], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, log, 15_000);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    host: '127.0.0.1',
    port,
    tlsPort,
    user,
    password,
    certPem: fs.readFileSync(certFile, 'utf8'),
    certFile,
    dir,
    seedMaildir: (folder, mails) => {
      const home = path.join(dir, 'home', user);
      const root = path.join(home, 'Maildir');
      // Maildir++: the INBOX is the root, other folders are `.Name` beside it.
      const box = path.join(root, `.${folder.replace(/\//g, '.')}`);
      for (const d of [home, root, box]) for (const sub of d === home ? [''] : ['cur', 'new', 'tmp']) fs.mkdirSync(path.join(d, sub), { recursive: true });
      const stamp = Math.floor(Date.now() / 1000);
      mails.forEach((m, i) => {
        fs.writeFileSync(path.join(box, 'cur', `${stamp}.M${i}P${process.pid}.textvault,S=${m.length}:2,S`), m);
      });
      if (me.uid === 0) execFileSync('chown', ['-R', `${accounts.mailUid}:${accounts.mailGid}`, home]);
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => {
          child.once('exit', () => {
            resolve();
          });
        });
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Accounts {
  internal: string;
  internalGroup: string;
  login: string;
  mailUid: number;
  mailGid: number;
}

function serviceAccounts(me: os.UserInfo<string>): Accounts {
  if (me.uid !== 0) return { internal: me.username, internalGroup: groupName(me.gid), login: me.username, mailUid: me.uid, mailGid: me.gid };
  const entry = (name: string): string[] | undefined =>
    fs
      .readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .map((l) => l.split(':'))
      .find((f) => f[0] === name);
  const internal = entry('dovecot') ?? entry('nobody');
  const login = entry('dovenull') ?? entry('nobody');
  if (internal === undefined || login === undefined) throw new Error('running as root needs a dovecot, dovenull or nobody account for Dovecot');
  const mailGid = Number(internal[3]);
  return { internal: internal[0] ?? 'nobody', internalGroup: groupName(mailGid), login: login[0] ?? 'nobody', mailUid: Number(internal[2]), mailGid };
}

function groupName(gid: number): string {
  // Dovecot wants a group name; /etc/group maps the current gid to it.
  const line = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}
