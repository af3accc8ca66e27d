/**
 * Small synthetic SMS Backup & Restore files for tests: a few lines describe the messages, this
 * writes the XML (escaped, with MMS media as base64).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp.js';

export interface SmsSpec {
  address: string;
  date: number;
  body: string;
  /** 1 received, 2 sent. */
  type?: number;
  read?: number;
  name?: string;
}

export interface PartSpec {
  ct: string;
  name?: string;
  text?: string;
  data?: Buffer;
}

export interface MmsSpec {
  /** Participants other than the owner; `from` is who sent it (137), or the owner when absent. */
  addresses: string[];
  from?: string;
  date: number;
  /** 1 inbox, 2 sent. */
  box?: number;
  parts: PartSpec[];
  read?: number;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

export function smsXml(s: SmsSpec): string {
  const name = s.name === undefined ? '' : ` contact_name="${esc(s.name)}"`;
  return `  <sms protocol="0" address="${esc(s.address)}" date="${s.date}" type="${s.type ?? 1}" subject="null" body="${esc(s.body)}" read="${s.read ?? 1}" status="-1"${name} />\n`;
}

export function mmsXml(m: MmsSpec): string {
  const box = m.box ?? 1;
  const parts = m.parts
    .map((p, i) => {
      const name = p.name === undefined ? '' : ` name="${esc(p.name)}" cl="${esc(p.name)}"`;
      const text = p.text === undefined ? '' : ` text="${esc(p.text)}"`;
      const data = p.data === undefined ? '' : ` data="${p.data.toString('base64')}"`;
      return `      <part seq="${i}" ct="${esc(p.ct)}"${name}${text}${data} />\n`;
    })
    .join('');
  const owner = '+15550009999';
  const from = box === 1 ? (m.from ?? m.addresses[0] ?? '') : owner;
  const addrs = [`      <addr address="${esc(from)}" type="137" charset="106" />\n`]
    .concat(m.addresses.filter((a) => a !== from).map((a) => `      <addr address="${esc(a)}" type="151" charset="106" />\n`))
    .concat(box === 1 ? [`      <addr address="${owner}" type="151" charset="106" />\n`] : [])
    .join('');
  return (
    `  <mms date="${m.date}" ct_t="application/vnd.wap.multipart.related" msg_box="${box}" address="${esc(m.addresses.join('~'))}" read="${m.read ?? 1}" m_type="${box === 1 ? 132 : 128}">\n` +
    `    <parts>\n${parts}    </parts>\n    <addrs>\n${addrs}    </addrs>\n  </mms>\n`
  );
}

/** Writes a backup file with the given records; returns its path. */
export function writeBackup(records: (SmsSpec | MmsSpec)[], name = 'sms-test.xml'): string {
  const file = path.join(tempDir(), name);
  const body = records.map((r) => ('parts' in r ? mmsXml(r) : smsXml(r))).join('');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="${records.length}" backup_date="1721556032311">\n${body}</smses>\n`);
  return file;
}

/** A call log backup. */
export function writeCalls(calls: { number: string; date: number; type: number; duration: number; name?: string }[], name = 'calls-test.xml'): string {
  const file = path.join(tempDir(), name);
  const body = calls
    .map((c) => `  <call number="${esc(c.number)}" duration="${c.duration}" date="${c.date}" type="${c.type}" presentation="1"${c.name === undefined ? '' : ` contact_name="${esc(c.name)}"`} />\n`)
    .join('');
  fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<calls count="${calls.length}" backup_date="1721556032311">\n${body}</calls>\n`);
  return file;
}
