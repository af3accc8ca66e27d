// Display formatting: dates in the browser's locale and time zone.

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const shortDateFmt = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function formatDay(ms: number): string {
  return dayFmt.format(ms);
}

export function formatTime(ms: number): string {
  return timeFmt.format(ms);
}

export function formatDateTime(ms: number): string {
  return dateTimeFmt.format(ms);
}

/** Today: the time; otherwise the date. As a phone's conversation list shows it. */
export function formatListDate(ms: number, now = Date.now()): string {
  return dayKey(ms) === dayKey(now) ? timeFmt.format(ms) : shortDateFmt.format(ms);
}

/** A local calendar day, for day separators. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i] ?? 'TB'}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString();
}

const PLURAL_RULES = new Intl.PluralRules('en');

/** The noun for a count: "message" for 1, "messages" otherwise (Intl.PluralRules, the app's text is English). */
export function nounFor(n: number, one: string, other = `${one}s`): string {
  return PLURAL_RULES.select(n) === 'one' ? one : other;
}

/** Names that two or more different numbers carry among `people`: those need their number beside them. */
export function sharedNames(people: readonly { name: string | null; address: string }[]): Set<string> {
  const numbers = new Map<string, Set<string>>();
  for (const p of people) if (p.name !== null) numbers.set(p.name, (numbers.get(p.name) ?? new Set()).add(p.address));
  return new Set([...numbers].filter(([, a]) => a.size > 1).map(([n]) => n));
}

/** A person as a label: the name, with the number when another number has the same name; else the number. */
export function personLabel(p: { name: string | null; address: string }, shared: ReadonlySet<string>): string {
  if (p.name === null) return p.address;
  return shared.has(p.name) ? `${p.name} (${p.address})` : p.name;
}

/** "1 conversation", "12 conversations", "1,234 messages". */
export function countNoun(n: number, one: string, other = `${one}s`): string {
  return `${formatCount(n)} ${nounFor(n, one, other)}`;
}

/** `<input type="date">` value (local midnight) to epoch ms; `endOfDay` gives the last ms of it. */
export function dateInputToMs(value: string, endOfDay = false): number | null {
  if (value === '') return null;
  const [y, m, d] = value.split('-').map(Number);
  if (y === undefined || m === undefined || d === undefined) return null;
  const start = new Date(y, m - 1, d).getTime();
  return endOfDay ? start + 86_400_000 - 1 : start;
}

/** ", 1.2 GB uncompressed" when an import job decompressed more than it read from disk, else ''. */
export function inflatedText(progress: { done: number; expanded?: number }): string {
  const { done, expanded } = progress;
  return expanded !== undefined && expanded > done ? `, ${formatBytes(expanded)} uncompressed` : '';
}

/** Epoch ms to an `<input type="date">` value: the local calendar day. */
export function msToDateInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
