/**
 * A synthetic SMS Backup & Restore file with messages in 2017-11, 2017-12, 2019-01 and 2019-03:
 * 2018 is one long gap (12 months), 2019-02 a short one. Dated the 15th at noon UTC, so every
 * time zone puts them in the same months.
 */
const MONTHS = ['2017-11', '2017-12', '2019-01', '2019-03'];

export function gapBackupXml(): string {
  const lines = MONTHS.flatMap((m, i) =>
    [0, 1].map((k) => {
      const date = Date.parse(`${m}-15T12:00:00Z`) + k * 60_000;
      return `  <sms protocol="0" address="+15550001${String(i)}${String(k)}" date="${date}" type="${k === 0 ? 1 : 2}" subject="null" body="message ${m} ${k}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="x" contact_name="(Unknown)" />`;
    }),
  );
  return `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${lines.length}">\n${lines.join('\n')}\n</smses>\n`;
}
