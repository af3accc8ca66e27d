/**
 * The command line as a whole: every command answers --help and has a --json output (scripts
 * read the JSON; people read the text).
 */
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

function leaves(command: Command, prefix: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return c.commands.length === 0 ? [{ path: path.join(' '), command: c }] : leaves(c, path);
  });
}

describe('the textvault command line', () => {
  it('gives every command a --json output and a description for its --help', () => {
    const all = leaves(buildProgram());
    expect(all.length).toBeGreaterThan(20);
    expect(all.filter((c) => !c.command.options.some((o) => o.long === '--json')).map((c) => c.path)).toEqual([]);
    expect(all.filter((c) => c.command.description() === '').map((c) => c.path)).toEqual([]);
  });
});
