/**
 * The server of the API benchmark (bench/api.ts), in a process of its own so that the client's
 * work is not counted as the server's: prints one JSON line `{ url, setupToken }` once it answers.
 * Usage: tsx bench/api-server.ts VAULT_DIR
 */
import { serve } from '../src/server/serve.js';

const [dir] = process.argv.slice(2);
if (dir === undefined) {
  process.stderr.write('usage: tsx bench/api-server.ts VAULT_DIR\n');
  process.exit(2);
}
const server = await serve({ dir, host: '127.0.0.1', port: 0, announce: () => undefined, loginRateLimit: { max: 1000, windowMs: 60_000 } });
process.stdout.write(JSON.stringify({ url: server.url, setupToken: server.setupToken }) + '\n');
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
