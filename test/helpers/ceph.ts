/**
 * A real S3 server for tests: a throwaway single-node Ceph cluster (one monitor, one OSD on
 * memstore, radosgw with its beast frontend) in a temporary folder, on free loopback ports, run as
 * plain child processes of the test (no systemd, no /etc/ceph, no /var/lib/ceph), and removed with
 * everything it wrote by `stop()`. Start-up takes a few seconds (measured in `startupMs`), so a test
 * file starts one cluster in `beforeAll` and gives each test a bucket of its own (`newBucket`).
 *
 * Why these settings:
 * - memstore keeps the OSD's objects in its memory: nothing to format, nothing left on disk, and
 *   the fastest start. A test that stores N bytes costs the OSD about N bytes of RAM.
 * - `auth ... = none` and crc-only messenger modes: the cluster is only reachable on loopback for
 *   the length of a test file, and cephx keyrings would add a bootstrap step per daemon. radosgw
 *   asks for "secure" mode towards the monitor unless told crc, which auth none cannot give.
 * - One replica, eight placement groups per pool: one OSD holds everything, and the pools radosgw
 *   creates on first use come up at once.
 * - A short paxos proposal interval: the monitor batches map changes for a second by default, and
 *   radosgw's first start makes a dozen of them one after another (4 s instead of 14 s to start).
 * - No manager daemon: radosgw and the OSD need only the monitor; the manager only reports.
 * - Each daemon runs under `setpriv --pdeathsig KILL` where util-linux has it, so a test worker
 *   killed without running its hooks does not leave a cluster behind.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CEPH, findProgram, programPath } from './system.js';
import { freePort } from './ports.js';

const execFileAsync = promisify(execFile);
// The SDK warns once per process that its releases after January 2027 need Node 22; the pinned
// version supports Node 20, the oldest line Textvault supports, and the warning would clutter test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface Ceph {
  /** radosgw's S3 endpoint, e.g. http://127.0.0.1:41234 (path-style addressing). */
  endpoint: string;
  /** radosgw accepts any region name in signatures; this is the one the tests use. */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The cluster's folder (configuration, logs, daemon sockets). */
  dir: string;
  /** How long `startCeph` took, in milliseconds, and each of its steps. */
  startupMs: number;
  startupSteps: Record<string, number>;
  /** An S3 client for this gateway, with the test user's keys. */
  client(): S3Client;
  /** Creates a bucket with a fresh name and returns the name. */
  newBucket(prefix?: string): Promise<string>;
  /** The process ids of the daemons (monitor, OSD, radosgw). */
  pids(): number[];
  /** The last lines of the daemons' logs, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

const REGION = 'us-east-1';
const STEP_TIMEOUT_MS = 60_000;

function tail(file: string, bytes = 3000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-bytes);
  } catch {
    return '';
  }
}

function config(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  // $name is expanded by Ceph itself (mon.a, osd.0, client.rgw, client.admin).
  return `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
mon initial members = a
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms bind msgr1 = false
ms bind ipv6 = false
ms mon client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms client mode = crc
ms cluster mode = crc
ms service mode = crc
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
mon cluster log file = ${dir}/log/cluster.log
crash dir = ${dir}/crash
keyring = ${dir}/keyring
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
mon data = ${dir}/mon/$cluster-$id
paxos propose interval = 0.01
paxos min wait = 0.001
osd data = ${dir}/osd/$cluster-$id
osd objectstore = memstore
memstore device bytes = ${8 * 1024 * 1024 * 1024}

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
rgw thread pool size = 32
rgw dynamic resharding = false
`;
}

interface Daemon {
  name: string;
  child: ChildProcess;
  log: string;
}

/** The environment of every Ceph program: a developer's CEPH_ARGS or CEPH_CONF must not leak in. */
function cephEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CEPH_ARGS;
  delete env.CEPH_CONF;
  return env;
}

export async function startCeph(): Promise<Ceph> {
  const started = Date.now();
  const bin = (name: string): string => {
    const found = findProgram([name]);
    // lacks(CEPH) was asked first; this names what went missing since.
    if (found === undefined) return programPath(CEPH);
    return found;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tv-ceph-'));
  for (const sub of ['run', 'log', 'mon', 'osd/ceph-0', 'rgw', 'crash']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const conf = path.join(dir, 'ceph.conf');
  const [monPort, rgwPort] = [await freePort(), await freePort()];
  const fsid = randomUUID();
  fs.writeFileSync(conf, config(dir, fsid, monPort, rgwPort));
  const env = cephEnv();
  const setpriv = findProgram(['setpriv']);
  const daemons: Daemon[] = [];

  const steps: Record<string, number> = {};
  const run = async (what: string, program: string, args: string[]): Promise<string> => {
    const t = Date.now();
    try {
      const { stdout } = await execFileAsync(bin(program), ['-c', conf, ...args], { env, timeout: STEP_TIMEOUT_MS, encoding: 'utf8' });
      steps[what] = Date.now() - t;
      return stdout;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`Ceph test cluster: ${what} failed: ${err.message}\n${err.stderr ?? ''}\n${logs()}`, { cause: e });
    }
  };
  const daemon = (name: string, program: string, args: string[]): Daemon => {
    const log = path.join(dir, 'log', `${name}.out`);
    const out = fs.openSync(log, 'a');
    const argv = [bin(program), '-c', conf, '-f', ...args];
    const child = setpriv === undefined ? spawn(argv[0] ?? program, argv.slice(1), { env, stdio: ['ignore', out, out] }) : spawn(setpriv, ['--pdeathsig', 'KILL', ...argv], { env, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    const d = { name, child, log };
    daemons.push(d);
    return d;
  };
  const logs = (): string =>
    fs
      .readdirSync(path.join(dir, 'log'))
      .map((f) => `--- ${f}\n${tail(path.join(dir, 'log', f))}`)
      .join('\n');
  const kill = (): void => {
    for (const d of daemons) if (d.child.exitCode === null && d.child.signalCode === null) d.child.kill('SIGKILL');
  };
  // A test process that ends without calling stop() (an uncaught error) still ends its cluster.
  const onExit = (): void => {
    kill();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    // SIGKILL: the cluster is thrown away, and memstore would otherwise write its objects to disk on a clean shutdown.
    const exits = daemons
      .filter((d) => d.child.exitCode === null && d.child.signalCode === null)
      .map(
        (d) =>
          new Promise<void>((resolve) => {
            d.child.once('exit', () => {
              resolve();
            });
          }),
      );
    kill();
    await Promise.all(exits);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const accessKeyId = `TV${randomBytes(9).toString('hex').toUpperCase()}`;
  const secretAccessKey = randomBytes(24).toString('base64url');
  const endpoint = `http://127.0.0.1:${rgwPort}`;
  try {
    await run('monmaptool', 'monmaptool', ['--create', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, path.join(dir, 'monmap')]);
    await run('ceph-mon --mkfs', 'ceph-mon', ['--mkfs', '-i', 'a', '--monmap', path.join(dir, 'monmap')]);
    daemon('mon.a', 'ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    // Registers osd.0 with the monitor (waits for it to listen); the only step that needs the ceph CLI.
    await run('ceph osd new', 'ceph', ['--connect-timeout', '30', 'osd', 'new', osdUuid]);
    await run('ceph-osd --mkfs', 'ceph-osd', ['-i', '0', '--mkfs', '--osd-uuid', osdUuid]);
    daemon('osd.0', 'ceph-osd', ['-i', '0']);
    // Creates radosgw's pools and zone on the way, so it waits for the OSD to serve them.
    await run('radosgw-admin user create', 'radosgw-admin', [
      'user', 'create', '--uid', 'textvault', '--display-name', 'Textvault tests', '--access-key', accessKeyId, '--secret-key', secretAccessKey,
    ]);
    const rgw = daemon('client.rgw', 'radosgw', ['-n', 'client.rgw']);
    const t = Date.now();
    await waitForHttp(endpoint, rgw, logs);
    steps['radosgw listening'] = Date.now() - t;
  } catch (e) {
    await stop();
    throw e;
  }

  let clientInstance: S3Client | undefined;
  const client = (): S3Client => {
    clientInstance ??= new S3Client({ endpoint, region: REGION, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
    return clientInstance;
  };
  let buckets = 0;
  return {
    endpoint,
    region: REGION,
    accessKeyId,
    secretAccessKey,
    dir,
    startupMs: Date.now() - started,
    startupSteps: steps,
    client,
    newBucket: async (prefix = 'tv') => {
      const name = `${prefix}-${++buckets}-${randomBytes(4).toString('hex')}`;
      await client().send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    pids: () => daemons.map((d) => d.child.pid).filter((pid) => pid !== undefined),
    logs,
    stop: async () => {
      clientInstance?.destroy();
      await stop();
    },
  };
}

async function waitForHttp(endpoint: string, rgw: Daemon, logs: () => string): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    if (rgw.child.exitCode !== null || rgw.child.signalCode !== null) throw new Error(`radosgw exited (${rgw.child.exitCode ?? rgw.child.signalCode}):\n${logs()}`);
    try {
      const res = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`radosgw did not answer on ${endpoint}:\n${logs()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
