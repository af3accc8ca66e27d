/**
 * When a source runs: `continuous` (a watched folder reacts to changes as they happen), `push`
 * (an upload device: it decides), a preset (hourly, daily, weekly) or a 5/6-field cron expression.
 * croner computes the next run; the timer is the scheduler's (with an injectable clock).
 */
import { Cron } from 'croner';
import { SourceConfigError, type SourceKind } from './source-options.js';

export const PRESETS: Record<string, string> = {
  hourly: '0 * * * *',
  daily: '0 3 * * *',
  weekly: '0 3 * * 0',
};

export function defaultSchedule(kind: SourceKind): string {
  return kind === 'folder' ? 'continuous' : kind === 'upload' ? 'push' : 'hourly';
}

/** Checks a schedule for a source kind; returns it in canonical form. */
export function parseSchedule(kind: SourceKind, text: string): string {
  const s = text.trim();
  if (kind === 'upload') {
    if (s !== 'push') throw new SourceConfigError('an upload source runs when its device sends a backup; its schedule is "push"');
    return s;
  }
  if (s === 'continuous') {
    if (kind !== 'folder') throw new SourceConfigError(`only a watched folder can run continuously; give the ${kind} source a schedule (hourly, daily, weekly or a cron expression)`);
    return s;
  }
  const expr = PRESETS[s] ?? s;
  try {
    new Cron(expr, { paused: true });
  } catch (e) {
    throw new SourceConfigError(`"${text}" is not a schedule: use continuous, hourly, daily, weekly or a cron expression like "30 2 * * *" (${(e as Error).message})`);
  }
  return s;
}

/** The next time a scheduled source runs after `fromMs`, or null for continuous/push sources. */
export function nextRun(schedule: string, fromMs: number): number | null {
  if (schedule === 'continuous' || schedule === 'push') return null;
  const next = new Cron(PRESETS[schedule] ?? schedule, { paused: true }).nextRun(new Date(fromMs));
  return next === null ? null : next.getTime();
}
