import fs from 'node:fs';

export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;

/** A small SMS Backup & Restore messages file: SMS `bodies[i]` dated T0 + i minutes (synthetic numbers). */
export function sbrXml(bodies: string[], options: { backupDate?: number; type?: string } = {}): string {
  const root = [`count="${bodies.length}"`, `backup_set="00000000-0000-0000-0000-000000000000"`];
  if (options.backupDate !== undefined) root.push(`backup_date="${options.backupDate}"`);
  if (options.type !== undefined) root.push(`type="${options.type}"`);
  const lines = bodies.map((b) => {
    const n = Number(/\d+/.exec(b)?.[0] ?? '0');
    const date = T0 + n * 60_000;
    return `  <sms protocol="0" address="+1555000${String(1000 + (n % 7)).slice(-4)}" date="${date}" type="1" subject="null" body="${b}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" sub_id="-1" readable_date="x" contact_name="(Unknown)" />`;
  });
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses ${root.join(' ')}>\n${lines.join('\n')}\n</smses>\n`;
}

export function writeSbr(file: string, bodies: string[], options: { backupDate?: number; type?: string } = {}): string {
  fs.writeFileSync(file, sbrXml(bodies, options));
  return file;
}
