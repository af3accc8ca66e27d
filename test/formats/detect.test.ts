import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classify, detectFormat, SSEF_MAGIC, type Sniffed } from '../../src/formats/detect.js';
import { READABLE } from '../../src/formats/formats.js';
import { NotABackupError } from '../../src/formats/errors.js';
import { fixture, tempDir } from '../helpers/temp.js';
import { writeZip } from '../helpers/zip.js';

const text = (s: string): { container: 'plain'; head: Buffer; zipNames: string[] } => ({ container: 'plain', head: Buffer.from(s), zipNames: [] });

describe('format detection looks at content, never at the name', () => {
  it('recognises each format from its first characters or entry names', () => {
    expect(classify(text(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="1">`))).toBe('sbr');
    expect(classify(text(`\uFEFF  <calls count="1">`))).toBe('sbr');
    expect(classify(text('[{"backupType":"sms","address":"1"}]'))).toBe('fossify');
    expect(classify(text(' [ ] '))).toBe('fossify');
    expect(classify(text('[{"_id":"1","number":"+15550001111","date":"1","duration":"3","type":"1"}]'))).toBe('sms-ie-calls');
    expect(classify(text('[{"display_name":"Ann","raw_contacts":[]}]'))).toBe('sms-ie-contacts');
    expect(classify(text('{"_id":"1","address":"+1555","date":"1"}\n{"_id":"2"}'))).toBe('sms-ie');
    expect(classify(text('BEGIN:VCARD\r\nVERSION:3.0\r\n'))).toBe('vcard');
    expect(classify(text('From 1234@xxx Sat Jan 01 00:00:00 +0000 2022\nX-GM-THRID: 1\n'))).toBe('smsbackupplus-mbox');
    expect(classify(text('Subject: SMS with Ann\nX-smssync-id: 5\n\nhi'))).toBe('smsbackupplus-eml');
    expect(classify({ container: 'zip', head: Buffer.alloc(0), zipNames: ['messages.ndjson', 'data/PART_1.jpg'] })).toBe('sms-ie');
    expect(classify({ container: 'zip', head: Buffer.alloc(0), zipNames: ['backups/sms-20240101.xml'] })).toBe('sbr');
    expect(classify({ container: 'ssef', head: Buffer.alloc(0), zipNames: [] })).toBe('sms-ie-encrypted');
    expect(classify(text('ANDROID BACKUP\n5\n1\nnone\n\x78\x9c'))).toBe('android-backup');
    expect(classify(text('{\n\t"messageCount": 2,\n\t"messages": [\n\t\t{\n\t\t\t"type": 1,'))).toBe('qksms');
    // On one line it starts like an SMS Import/Export message line too; its first member tells it apart.
    expect(classify(text('{"messageCount":1,"messages":[{"type":1,"address":"+1555","date":1,"dateSent":0}]}'))).toBe('qksms');
    expect(classify(text(`<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<threads count="1" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">`))).toBe('titanium');
    expect(classify(text('<threads count="1">\n<thread address="+15550100101">'))).toBe('titanium');
    expect(classify(text('{"messages": [{"type": 1, "address": "1", "date": 1, "dateSent": 0, "read": true, "locked": false}], "messageCount": 1}'))).toBe('qksms');
  });

  it('one descriptor recognises each sample, so the list order never decides', () => {
    const samples: Sniffed[] = [
      text(`<?xml version='1.0'?>\n<smses count="1">`),
      text('[{"backupType":"sms","address":"1"}]'),
      text('[]'),
      text('[{"_id":"1","number":"+15550001111","date":"1","duration":"3","type":"1"}]'),
      text('[{"display_name":"Ann","raw_contacts":[],"number":"1","duration":"2"}]'),
      text('[{"backupType":"sms","number":"1","duration":"2"}]'),
      text('{"_id":"1","address":"+1555","date":"1"}\n'),
      text('{"type":"header","schema":"textvault-ndjson","version":1}\n{"type":"sms"}'),
      text('BEGIN:VCARD\r\nVERSION:3.0\r\n'),
      text('From 1234@xxx Sat Jan 01 00:00:00 +0000 2022\nX-smssync-id: 1\n'),
      text('Subject: SMS with Ann\nX-smssync-id: 5\n\nhi'),
      { container: 'zip', head: Buffer.alloc(0), zipNames: ['messages.ndjson', 'sms.xml'] },
      { container: 'zip', head: Buffer.alloc(0), zipNames: ['sms-1.xml'], zipXmlHead: Buffer.from('<smses count="1">') },
      { container: 'ssef', head: Buffer.alloc(0), zipNames: [] },
      text('ANDROID BACKUP\n5\n1\nAES-256\nABCD\n'),
      text('{"messageCount":1,"messages":[{"type":1,"address":"+1555","date":1,"dateSent":0,"subId":1}]}'),
      text('{"messages":[{"type":1,"address":"+1555","date":1,"dateSent":0,"subId":1}],"messageCount":1}'),
      {
        container: 'zip',
        head: Buffer.alloc(0),
        zipNames: ['Takeout/Blogger/feed.xml', 'Takeout/Voice/Calls/Ann - Text - 2024-01-01T00_00_00Z.html'],
        zipXmlHead: Buffer.from('<feed>'),
        zipVoiceHead: Buffer.from('<?xml version="1.0" ?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head></head><body><div class="hChatLog hfeed">'),
      },
      text('<threads count="1" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages"><thread address="1"><sms>x</sms>'),
      { container: 'zip', head: Buffer.alloc(0), zipNames: ['TitaniumBackup/x.xml'], zipXmlHead: Buffer.from('<threads count="1" xmlns="http://www.titaniumtrack.com/ns/titanium-backup/messages">') },
    ];
    for (const s of samples) {
      const matching = READABLE.filter((f) => f.recognise?.(s) === true).map((f) => f.id);
      expect(matching, s.head.toString() + s.zipNames.join()).toHaveLength(1);
    }
  });

  it('rejects look-alikes', () => {
    expect(classify(text('<!doctype html><html>'))).toBeUndefined();
    expect(classify(text('[1, 2, 3]'))).toBeUndefined();
    expect(classify(text('{"messages": []}'))).toBeUndefined();
    expect(classify(text('{"messageCount": "many"}'))).toBeUndefined();
    expect(classify(text('<threads><topic>not messages</topic></threads>'))).toBeUndefined();
    expect(classify(text('[{"name":"x"}]'))).toBeUndefined();
    expect(classify(text('ANDROID BACKUPS are nice'))).toBeUndefined();
    expect(classify({ container: 'zip', head: Buffer.alloc(0), zipNames: ['photo.jpg'] })).toBeUndefined();
  });

  it('detects real files: SBR fixture, gzip, sms-ie ZIP (whatever its name), SSEF', async () => {
    const dir = tempDir();
    expect(await detectFormat(fixture('sbr', 'sms-threads.xml'))).toBe('sbr');
    const gz = path.join(dir, 'backup.bin');
    fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(fixture('sbr', 'sms-threads.xml'))));
    expect(await detectFormat(gz)).toBe('sbr');
    const zip = await writeZip(path.join(dir, 'misnamed.xml'), { 'messages.ndjson': '{"address":"1","date":"2"}\n', 'data/a.jpg': 'x' });
    expect(await detectFormat(zip)).toBe('sms-ie');
    const ssef = path.join(dir, 'messages.zip');
    fs.writeFileSync(ssef, Buffer.concat([SSEF_MAGIC, Buffer.alloc(60)]));
    expect(await detectFormat(ssef)).toBe('sms-ie-encrypted');
  });

  it('an unknown file gets one line naming the file, what it is, and where the formats are listed', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'shopping list: milk');
    const err = await detectFormat(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotABackupError);
    const msg = (err as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    expect(msg).toContain(file);
    expect(msg).toContain('this is a text file in no format Textvault knows, not a phone backup.');
    expect(msg).toContain('docs/formats.md');
    // The formats are pointed to, not listed: 600 characters on every failure buried what happened.
    expect(msg.length).toBeLessThan(file.length + 250);
    // Office documents are ZIPs of XML: said to be what they are, not read as an XML backup.
    const docx = await writeZip(path.join(dir, 'letter.docx'), { '[Content_Types].xml': '<Types/>', 'word/document.xml': '<w:document/>' });
    await expect(detectFormat(docx)).rejects.toThrow(/letter\.docx: this is a Word document, not a phone backup\./);
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    await expect(detectFormat(empty)).rejects.toThrow(/an empty file/);
  });
});
