import path from 'node:path';
import type { Command } from 'commander';
import { CommandFailed, mediaOption, stopSignal, vaultDir, type GlobalOptions } from '../context.js';

interface ServeCliOptions {
  host: string;
  port: number;
  allowRemote?: boolean;
  secureCookies?: boolean;
  trustProxy?: boolean;
  publicHost: string[];
  logLevel?: string;
  json?: boolean;
}

/** The built web app beside the built CLI: dist/cli/commands -> dist/web. */
export const WEB_ROOT = path.resolve(import.meta.dirname, '../../web');

export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function registerServe(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve', { isDefault: true })
    .description('serve the vault as a web app (the default command)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', (v) => Number.parseInt(v, 10), 8787)
    .option('--allow-remote', 'allow listening on a non-loopback address (put it behind a TLS reverse proxy)')
    .option('--secure-cookies', 'mark cookies Secure (when users reach it over HTTPS)')
    .option('--trust-proxy', 'trust X-Forwarded-For from a reverse proxy (for login rate limiting)')
    .option(
      '--public-host <name>',
      'a host name users reach the server by (behind a reverse proxy: its domain); other Host headers are refused. Repeatable; also: config set server.hosts',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--log-level <level>', 'pino log level: fatal, error, warn, info, debug (default: info, or warn on a terminal: its JSON lines are for log collectors)')
    .option('--json', 'once listening, print { vault, url, setupUrl } as one JSON line instead of the text')
    .action(async (opts: ServeCliOptions) => {
      if (!Number.isSafeInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new CommandFailed(`--port ${opts.port} is not a port number`);
      if (!isLoopback(opts.host)) {
        if (opts.allowRemote !== true)
          throw new CommandFailed(
            `refusing to listen on ${opts.host}: the archive would be reachable from other machines over plain HTTP. ` +
              'Keep the default 127.0.0.1 and put a TLS reverse proxy in front (see README), or pass --allow-remote if you really mean it',
          );
        process.stderr.write(
          `WARNING: listening on ${opts.host}: passwords and messages travel unencrypted unless a TLS reverse proxy is in front of it (see README, "Running behind a reverse proxy").\n`,
        );
      }
      const { serve } = await import('../../server/serve.js');
      const { ConfigError, parseHostNames } = await import('../../vault/config.js');
      let publicHosts: string[];
      try {
        publicHosts = parseHostNames(opts.publicHost.join(','));
      } catch (e) {
        if (e instanceof ConfigError) throw new CommandFailed(`--public-host: ${e.message}`);
        throw e;
      }
      const stopped = stopSignal();
      const running = await serve({
        dir: vaultDir(globals()),
        ...mediaOption(globals()),
        host: opts.host,
        port: opts.port,
        webRoot: WEB_ROOT,
        // On a terminal the text lines say where it listens; JSON request logs there are noise.
        logger: { level: opts.logLevel ?? (process.stdout.isTTY ? 'warn' : 'info') },
        announce: (line) => {
          if (opts.json !== true) process.stdout.write(`${line}\n`);
        },
        secureCookies: opts.secureCookies === true,
        trustProxy: opts.trustProxy === true,
        publicHosts,
      });
      if (opts.json === true) {
        const setupUrl = running.setupToken === null ? null : `${running.url}/setup#token=${running.setupToken}`;
        process.stdout.write(`${JSON.stringify({ vault: vaultDir(globals()), url: running.url, setupUrl })}\n`);
      }
      await stopped;
      await running.close();
    });
}
