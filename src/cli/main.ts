#!/usr/bin/env -S node --max-old-space-size=256 --max-semi-space-size=4
/**
 * textvault: the command line. Each command is a thin shell over vault/.
 * Exit codes: 0 success, 1 the operation failed, 2 usage error.
 *
 * The heap cap (shebang and `npm start`) keeps peak memory flat on multi-GB imports: without it V8
 * lets garbage pile up to ~160 MB of headroom; every structure the vault keeps is bounded anyway.
 * The small young generation (4 MB semi-spaces) saves another ~16 MB while an import's reader
 * worker sends batches, at no measurable cost in speed.
 */
import { run } from './program.js';

// Everything this process creates (the vault's databases, media, keys, uploads, exports) is
// owner-only whatever the shell's umask: it holds private messages. The vault's own files are
// created 0600 explicitly too; this also covers what libraries create (SQLite's -wal/-shm, temp files).
process.umask(0o077);

process.exitCode = await run(process.argv);
