/**
 * Times as people and spreadsheets read them: ISO 8601 in the local time zone of the process
 * (set TZ to choose another) with its offset, so the wall-clock time and the instant are both exact.
 */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `2024-03-05T14:07:09.120+01:00` */
export function isoWithOffset(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** `2024-03-05 14:07` for reading. */
export function shortDateTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '';
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2024-03-05` */
export function dateOnly(ms: number): string {
  return shortDateTime(ms).slice(0, 10);
}

/** `1:02:03` or `2:03` */
export function duration(seconds: number | null): string {
  if (seconds === null) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
