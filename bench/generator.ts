/**
 * Synthetic "SMS Backup & Restore" backups for benchmarks and tests.
 *
 * The output imitates what the app writes (see docs/formats.md and the fixture
 * test/fixtures/sbr/google-messages-truncated.xml): same prolog, one element per line, the same attribute sets
 * in the same order, the app's escaping habits (quote switching, `&#10;`, three emoji encodings),
 * and the data shapes that make real files hard (numbers written several ways for one contact,
 * short codes, group MMS, huge base64 attributes).
 *
 * Two constraints shape the code:
 * - Determinism: every random choice comes from one seeded PRNG consumed in a fixed order, and
 *   nothing reads the clock, so the same options give byte-identical files.
 * - Speed and memory: output leaves in ~1 MB Buffers (see TextSink), and media bytes are cut piece
 *   by piece from one pre-generated random block (see MediaSource), so a 600 MB attachment costs
 *   the same memory as a 6 KB one.
 *
 * Files: generator-random.ts (PRNG), generator-text.ts (escaping, dates, contacts, bodies),
 * generator-output.ts (buffers and media), generator-corpus.ts (word lists).
 */
import { open } from 'node:fs/promises';
import { MEDIA_KINDS, MEDIA_WEIGHTS, MediaSource, TextSink, VIDEO_KIND, type MediaKind } from './generator-output.js';
import { Rng } from './generator-random.js';
import {
  AttrQuoter,
  Bodies,
  Clock,
  PAD2,
  ReadableDates,
  US_AREAS,
  addressOf,
  escapeSmil,
  makeContacts,
  pickContact,
  type Contact,
} from './generator-text.js';

export interface GeneratorOptions {
  /** Deterministic PRNG seed: same options => byte-identical output. Default 1. */
  seed?: number;
  /** Number of <sms> elements. */
  sms: number;
  /** Number of <mms> elements (not counting the big-attachment MMS). */
  mms: number;
  /** Average bytes of each MMS media part (default 40_000); 0 = text-only MMS. */
  mediaBytes?: number;
  /** If set, one extra MMS carrying a single media part of exactly this many bytes. */
  bigAttachmentBytes?: number;
  /** Distinct correspondents (default 200). */
  contacts?: number;
  /** ms epoch of the first message (default 2015-01-01T00:00:00Z). */
  startDate?: number;
  /**
   * Fraction of emoji written as surrogate-pair references `&#55357;&#56832;` (default 0.3).
   * The others are raw UTF-8 or single references `&#128516;`.
   */
  legacyEmojiRatio?: number;
  /** The root's `type`: `full` (default) or `archive` (SMS Backup & Restore's one growing file). */
  backupType?: 'full' | 'archive';
}

export interface CallsGeneratorOptions {
  seed?: number;
  calls: number;
  contacts?: number;
  startDate?: number;
}

const DEFAULT_START = Date.UTC(2015, 0, 1);

/** Declaration, the app's "created by" comment and its stylesheet instruction, in the app's order. */
function prolog(stylesheet: string, backupDate: number): string {
  const d = new Date(backupDate);
  const created = `${PAD2[d.getUTCDate()] ?? ''}/${PAD2[d.getUTCMonth() + 1] ?? ''}/${d.getUTCFullYear()} ${PAD2[d.getUTCHours()] ?? ''}:${PAD2[d.getUTCMinutes()] ?? ''}:${PAD2[d.getUTCSeconds()] ?? ''}`;
  return (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n" +
    `<!--File Created By SMS Backup & Restore v10.20.002 on ${created}-->\n` +
    `<?xml-stylesheet type="text/xsl" href="${stylesheet}"?>\n`
  );
}

function checkCount(name: string, value: number | undefined, required: boolean): void {
  if (value === undefined && !required) return;
  if (value === undefined || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// SMS and MMS

const SERVICE_CENTERS = ['+12063130004', '+13123149810', '+14044550080', '+19037029920', '+17044100000'];
/** Phones before dual-SIM support wrote sub_id -1. */
const SUB_ID_ERA_END = Date.UTC(2016, 5, 1);
/** Telephony types: 1 inbox, 2 sent, 3 draft, 4 outbox, 5 failed, 6 queued; mostly 1 and 2. */
const SMS_TYPES = [1, 2, 3, 4, 5, 6];
const SMS_TYPE_WEIGHTS = [52, 45, 0.6, 0.2, 2, 0.2];
const MEDIA_PER_MMS = [1, 2, 3, 4];
const MEDIA_PER_MMS_WEIGHTS = [85, 10, 3, 2];

interface MmsPart {
  readonly kind: MediaKind;
  readonly bytes: number;
}

interface Participant {
  readonly address: string;
  readonly name: string;
}

/** Everything an SMS/MMS writer needs, created once per file. */
class SmsWriter {
  readonly rng: Rng;
  readonly quoter: AttrQuoter;
  readonly dates = new ReadableDates();
  readonly contacts: Contact[];
  readonly bodies: Bodies;
  readonly media: MediaSource;
  readonly owner: string;
  readonly mediaBytes: number;
  private mmsId: number;
  /** Bound once: a closure per message would cost measurable time over a million messages. */
  private readonly q: (value: string) => string;

  constructor(readonly opts: GeneratorOptions) {
    const seed = opts.seed ?? 1;
    this.rng = new Rng(seed);
    this.quoter = new AttrQuoter(this.rng, opts.legacyEmojiRatio ?? 0.3);
    this.contacts = makeContacts(this.rng, Math.max(1, opts.contacts ?? 200));
    this.bodies = new Bodies(this.rng, this.contacts);
    this.media = new MediaSource(this.rng, seed);
    this.owner = `+1${this.rng.pick(US_AREAS)}555${this.rng.digits(4)}`;
    this.mediaBytes = opts.mediaBytes ?? 40_000;
    this.mmsId = this.rng.range(1, 9000);
    this.q = this.quoter.quote.bind(this.quoter);
  }

  private subId(date: number): string {
    if (date < SUB_ID_ERA_END) return '-1';
    return this.rng.chance(0.07) ? '2' : '1';
  }

  sms(date: number): string {
    const rng = this.rng;
    const q = this.q;
    let address: string;
    let body: string;
    let name: string;
    let type: number;
    if (rng.chance(0.03)) {
      // Short codes and alphanumeric senders only ever send.
      ({ address, body } = this.bodies.service());
      name = '(Unknown)';
      type = 1;
    } else {
      const contact = pickContact(rng, this.contacts);
      address = addressOf(rng, contact);
      body = this.bodies.message(contact.lang);
      name = contact.name;
      type = SMS_TYPES[rng.weighted(SMS_TYPE_WEIGHTS)] ?? 1;
    }
    const received = type === 1;
    const dateSent = received ? Math.floor((date - rng.int(8000)) / 1000) * 1000 : 0;
    const status = type === 5 ? '64' : !received && rng.chance(0.15) ? '0' : '-1';
    const read = received && rng.chance(0.03) ? '0' : '1';
    const locked = rng.chance(0.005) ? '1' : '0';
    // Some older phones wrote 0 instead of null for the type-of-address fields.
    const toa = rng.chance(0.02) ? '0' : 'null';
    const sc = received ? rng.pick(SERVICE_CENTERS) : 'null';
    return `  <sms protocol="0" address=${q(address)} date="${date}" type="${type}" subject="null" body=${q(body)} toa="${toa}" sc_toa="${toa}" service_center="${sc}" read="${read}" status="${status}" locked="${locked}" date_sent="${dateSent}" sub_id="${this.subId(date)}" readable_date="${this.dates.format(date)}" contact_name=${q(name)} />\n`;
  }

  private mediaSize(): number {
    return Math.max(64, Math.round(this.mediaBytes * (0.2 + 1.6 * this.rng.next())));
  }

  private mediaKind(): MediaKind {
    return MEDIA_KINDS[this.rng.weighted(MEDIA_WEIGHTS)] ?? VIDEO_KIND;
  }

  /** One MMS, yielding text and media chunks in file order. */
  *mms(sink: TextSink, date: number, big: number | undefined): Generator<Buffer> {
    const rng = this.rng;
    const q = this.q;
    const seconds = Math.floor(date / 1000);
    const sent = rng.chance(0.45);

    // Who: one correspondent, or a group of 2-5 correspondents (3-6 people with the owner).
    const group = big === undefined && rng.chance(0.15);
    const members: Participant[] = [];
    const lead = pickContact(rng, this.contacts);
    members.push({ address: lead.numbers[0] ?? '', name: lead.name });
    if (group) {
      const want = rng.range(2, 5);
      for (let tries = 0; members.length < want && tries < 50; tries++) {
        const c = pickContact(rng, this.contacts);
        const address = c.numbers[0] ?? '';
        if (!members.some((m) => m.address === address)) members.push({ address, name: c.name });
      }
    }

    // What: parts. Text-only MMS are group chats or long texts; media MMS usually hold one item.
    const parts: MmsPart[] = [];
    if (big !== undefined) {
      parts.push({ kind: VIDEO_KIND, bytes: big });
    } else if (this.mediaBytes > 0 && rng.chance(0.75)) {
      const n = MEDIA_PER_MMS[rng.weighted(MEDIA_PER_MMS_WEIGHTS)] ?? 1;
      for (let i = 0; i < n; i++) parts.push({ kind: this.mediaKind(), bytes: this.mediaSize() });
    }
    const text =
      big === undefined && (parts.length === 0 || rng.chance(0.6)) ? this.bodies.message(lead.lang) : undefined;
    const rcs = !sent && parts.length === 0 && rng.chance(0.4);
    const subject = !rcs && rng.chance(0.05) ? this.bodies.subject() : undefined;
    const mediaTotal = parts.reduce((sum, p) => sum + p.bytes, 0);
    const size = rcs ? 0 : mediaTotal + (text === undefined ? 0 : Buffer.byteLength(text)) + rng.range(200, 700);

    const address = members.map((m) => m.address).join('~');
    const names = members.map((m) => m.name).join(', ');
    const id = this.mmsId++;
    const carrier = !sent && !rcs;
    const dateSent = sent ? 0 : seconds - rng.int(15);
    const trId = `proto:${rng.bytes(rng.range(45, 70)).toString('base64')}`;
    const mId = rcs ? 'null' : sent ? rng.digits(21) : rng.hex(32);
    const ctL = carrier
      ? `http://107.225.${rng.range(1, 254)}.${rng.range(1, 254)}:800${rng.int(9)}/Y/${rng.digits(25)}`
      : 'null';
    sink.add(
      `  <mms date="${seconds * 1000}" rr="${sent ? '129' : 'null'}" sub=${subject === undefined ? (rcs ? '""' : '"null"') : q(subject)}` +
        ` ct_t="${rcs ? 'text/plain' : 'application/vnd.wap.multipart.related'}" read_status="null" seen="1"` +
        ` msg_box="${sent ? 2 : 1}" address=${q(address)} sub_cs="${rcs || subject !== undefined ? '106' : 'null'}"` +
        ` resp_st="${sent ? '128' : 'null'}" retr_st="${carrier ? '128' : 'null'}" d_tm="null"` +
        ` text_only="${parts.length === 0 ? 1 : 0}" exp="${sent ? '604800' : 'null'}" locked="0" m_id="${mId}" st="null"` +
        ` retr_txt_cs="${carrier ? '106' : 'null'}" retr_txt="${carrier ? 'Ok' : 'null'}" creator="com.google.android.apps.messaging"` +
        ` date_sent="${dateSent}" read="${!sent && rng.chance(0.05) ? 0 : 1}" m_size="${size}" rpt_a="null"` +
        ` ct_cls="${rcs ? '135' : 'null'}" pri="${sent ? '129' : 'null'}" sub_id="1" tr_id="${trId}" resp_txt="null"` +
        ` ct_l="${ctL}" m_cls="${sent ? 'personal' : 'null'}" d_rpt="${sent ? '129' : carrier ? '128' : 'null'}"` +
        ` v="${sent ? '18' : carrier ? '17' : 'null'}" _id="${id}" m_type="${sent ? 128 : 132}"` +
        ` readable_date="${this.dates.format(seconds * 1000)}" contact_name=${q(names)}>\n    <parts>\n`,
    );

    if (rcs) {
      sink.add(
        `      <part seq="0" ct="text/plain" name="attachment_1" chset="null" cd="null" fn="null" cid="null" cl="null" ctt_s="null" ctt_t="null" text=${q(text ?? '')} sub_id="1" />\n`,
      );
    } else {
      yield* this.multipart(sink, parts, text, sent);
    }

    // Addresses: 137 from, 151 to, 130 cc. Sent MMS carry the placeholder token as sender.
    sink.add('    </parts>\n    <addrs>\n');
    const addr = (a: string, type: number): void => {
      sink.add(`      <addr address=${q(a)} type="${type}" charset="106" />\n`);
    };
    if (sent) {
      addr('insert-address-token', 137);
      for (const m of members) addr(m.address, 151);
    } else {
      const from = rng.pick(members);
      if (rcs) addr(from.address, 130);
      for (const m of members) if (m !== from) addr(m.address, 130);
      addr(from.address, 137);
      addr(this.owner, 151);
    }
    sink.add('    </addrs>\n  </mms>\n');
  }

  /** SMIL, media and text parts in the two styles seen in real files (Google Messages and carrier). */
  private *multipart(sink: TextSink, parts: MmsPart[], text: string | undefined, sent: boolean): Generator<Buffer> {
    const rng = this.rng;
    let n = rng.range(1, 9);
    const named = parts.map((p) => ({ ...p, name: `${p.kind.stem}_${n++}.${p.kind.ext}` }));
    const textName = `text_${n++}.txt`;
    const smilCid = `attachment_${n++}`;

    let smil: string;
    if (sent) {
      let regions = '';
      let body = '';
      if (named.length > 0) {
        regions += '<region id="Image" fit="meet" top="0" left="0" height="80%" width="100%"/>';
        for (const p of named) body += `<par dur="5000ms"><${p.kind.smil} src="${p.name}" region="Image" /></par>`;
      }
      if (text !== undefined) {
        regions += `<region id="Text" top="${named.length > 0 ? '80%' : '0'}" left="0" height="${named.length > 0 ? '20%' : '100%'}" width="100%"/>`;
        body += `<par dur="5000ms"><text src="${textName}" region="Text" /></par>`;
      }
      smil = `<smil><head><layout><root-layout/>${regions}</layout></head><body>${body}</body></smil>`;
    } else {
      let body = '';
      for (const p of named) body += `<par><${p.kind.smil} region="Image" src="cid:${p.name}"/></par>\n`;
      if (text !== undefined) body += `<par><text region="Text" src="cid:${textName}"/></par>\n`;
      smil =
        '<smil><head><layout>\n<region id="Text" top="70%" left="0%" height="30%" width="100%" fit="scroll"/>\n' +
        '<region id="Image" top="0%" left="0%" height="70%" width="100%" fit="meet"/>\n' +
        `</layout></head><body>\n${body}</body></smil>\n`;
    }
    const smilAttrs = sent
      ? `name="null" chset="null" cd="null" fn="null" cid="&lt;${smilCid}&gt;" cl="smil_${n}.xml"`
      : `name="${smilCid}.smil" chset="106" cd="null" fn="null" cid="&lt;${smilCid}&gt;" cl="${smilCid}"`;
    sink.add(
      `      <part seq="-1" ct="application/smil" ${smilAttrs} ctt_s="null" ctt_t="null" text="${escapeSmil(smil)}" sub_id="1" />\n`,
    );

    for (const p of named) {
      sink.add(
        `      <part seq="0" ct="${p.kind.ct}" name="${p.name}" chset="null" cd="null" fn="null" cid="&lt;${p.name}&gt;" cl="${p.name}" ctt_s="null" ctt_t="null" text="null" sub_id="1" data="`,
      );
      yield* this.media.write(sink, p.kind, p.bytes);
      sink.add('" />\n');
    }

    if (text !== undefined) {
      sink.add(
        `      <part seq="0" ct="text/plain" name="${sent ? 'null' : textName}" chset="106" cd="null" fn="null" cid="&lt;${textName}&gt;" cl="${textName}" ctt_s="null" ctt_t="null" text=${this.quoter.quote(text)} sub_id="1" />\n`,
      );
    }
  }
}

/**
 * Checks options up front: a generator body only runs on the first `next()`, which would be after
 * the output file has been created.
 */
function smsBackupBuffers(opts: GeneratorOptions): Generator<Buffer> {
  checkCount('sms', opts.sms, true);
  checkCount('mms', opts.mms, true);
  checkCount('mediaBytes', opts.mediaBytes, false);
  checkCount('bigAttachmentBytes', opts.bigAttachmentBytes, false);
  checkCount('contacts', opts.contacts, false);
  checkCount('startDate', opts.startDate, false);
  const ratio = opts.legacyEmojiRatio;
  if (ratio !== undefined && !(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(`legacyEmojiRatio must be between 0 and 1, got ${ratio}`);
  }
  return generateSmsBackup(opts);
}

function* generateSmsBackup(opts: GeneratorOptions): Generator<Buffer> {
  const w = new SmsWriter(opts);
  const rng = w.rng;
  const big = opts.bigAttachmentBytes;
  const total = opts.sms + opts.mms + (big === undefined ? 0 : 1);
  const clock = new Clock(rng, opts.startDate ?? DEFAULT_START, total);
  // The backup is taken a day or so after the expected last message; like real files, a few
  // messages may still come out later than backup_date.
  const backupDate = (opts.startDate ?? DEFAULT_START) + Math.round(total * clock.meanGap) + rng.range(3_600_000, 86_400_000);
  const bigIndex = big === undefined ? -1 : rng.int(total);

  const sink = new TextSink();
  sink.add(
    prolog('sms.xsl', backupDate) +
      `<smses count="${total}" backup_set="${rng.uuid()}" backup_date="${backupDate}" type="${opts.backupType ?? 'full'}">\n`,
  );
  let smsLeft = opts.sms;
  let mmsLeft = opts.mms;
  for (let i = 0; i < total; i++) {
    const date = clock.tick();
    if (i === bigIndex) {
      yield* w.mms(sink, date, big);
    } else if (rng.next() * (smsLeft + mmsLeft) < smsLeft) {
      // Picking in proportion to what is left spreads MMS evenly among SMS.
      smsLeft--;
      sink.add(w.sms(date));
    } else {
      mmsLeft--;
      yield* w.mms(sink, date, undefined);
    }
    if (sink.full) yield* sink.drain();
  }
  sink.add('</smses>\n');
  yield* sink.drain();
}

// ---------------------------------------------------------------------------------------------
// Calls

const CALL_TYPES = [1, 2, 3, 4, 5, 6, 7];
/** incoming, outgoing, missed, voicemail, rejected, blocked, answered elsewhere. */
const CALL_TYPE_WEIGHTS = [34, 40, 17, 2, 4, 2, 1];
const TELEPHONY_COMPONENT = 'com.android.phone/com.android.services.telephony.TelephonyConnectionService';
const WHATSAPP_COMPONENT = 'com.whatsapp/com.whatsapp.voipcalling.SelfManagedConnectionService';

function callsBackupBuffers(opts: CallsGeneratorOptions): Generator<Buffer> {
  checkCount('calls', opts.calls, true);
  checkCount('contacts', opts.contacts, false);
  checkCount('startDate', opts.startDate, false);
  return generateCallsBackup(opts);
}

function* generateCallsBackup(opts: CallsGeneratorOptions): Generator<Buffer> {
  const rng = new Rng((opts.seed ?? 1) ^ 0x5bd1e995);
  const quoter = new AttrQuoter(rng, 0);
  const q = (v: string): string => quoter.quote(v);
  const dates = new ReadableDates();
  const contacts = makeContacts(rng, Math.max(1, opts.contacts ?? 200));
  const clock = new Clock(rng, opts.startDate ?? DEFAULT_START, opts.calls);
  const backupDate = (opts.startDate ?? DEFAULT_START) + Math.round(opts.calls * clock.meanGap) + rng.range(3_600_000, 86_400_000);
  // Older Android versions stored the SIM's ICCID as the subscription id.
  const iccid = `8901${rng.digits(16)}`;

  const sink = new TextSink();
  sink.add(
    prolog('calls.xsl', backupDate) + `<calls count="${opts.calls}" backup_set="${rng.uuid()}" backup_date="${backupDate}">\n`,
  );
  for (let i = 0; i < opts.calls; i++) {
    const date = clock.tick();
    const type = CALL_TYPES[rng.weighted(CALL_TYPE_WEIGHTS)] ?? 1;
    let number: string;
    let name: string;
    let presentation = 1;
    if (type !== 2 && rng.chance(0.02)) {
      // Withheld numbers: the app writes -1, -2 or nothing depending on the phone.
      number = rng.pick(['-1', '-2', '']);
      presentation = rng.chance(0.7) ? 2 : 3;
      name = '(Unknown)';
    } else {
      const c = pickContact(rng, contacts);
      number = addressOf(rng, c);
      name = c.name;
    }
    let duration = 0;
    if (type === 1 || type === 2 || type === 7) {
      // Unanswered outgoing calls are logged with 0 s; answered ones have a long tail.
      duration = type === 2 && rng.chance(0.15) ? 0 : Math.round(5 + 80 * rng.exp() * (rng.chance(0.1) ? 8 : 1));
    } else if (type === 4) {
      duration = rng.range(5, 90);
    }
    const subId = date < SUB_ID_ERA_END ? iccid : rng.chance(0.07) ? '2' : '1';
    const postDial = type === 2 && rng.chance(0.01) ? `,,${rng.digits(4)}#` : '';
    const component = rng.chance(0.03) ? WHATSAPP_COMPONENT : TELEPHONY_COMPONENT;
    sink.add(
      `  <call number=${q(number)} duration="${duration}" date="${date}" type="${type}" presentation="${presentation}" subscription_id="${subId}" post_dial_digits=${q(postDial)} subscription_component_name="${component}" readable_date="${dates.format(date)}" contact_name=${q(name)} />\n`,
    );
    if (sink.full) yield* sink.drain();
  }
  sink.add('</calls>\n');
  yield* sink.drain();
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Writes chunks to a file, generating the next chunk while the previous one is being written so
 * the CPU work and the disk overlap.
 */
async function writeChunks(path: string, chunks: Iterable<Buffer>): Promise<number> {
  const file = await open(path, 'w');
  let bytes = 0;
  let pending: Promise<void> | undefined;
  const writeAll = async (buf: Buffer): Promise<void> => {
    let done = 0;
    while (done < buf.length) {
      const { bytesWritten } = await file.write(buf, done, buf.length - done);
      done += bytesWritten;
    }
  };
  try {
    for (const chunk of chunks) {
      bytes += chunk.length;
      if (pending !== undefined) await pending;
      pending = writeAll(chunk);
    }
    if (pending !== undefined) await pending;
  } finally {
    // If generation threw mid-way, let the in-flight write settle before closing the handle.
    await pending?.catch(() => undefined);
    await file.close();
  }
  return bytes;
}

function asAsync<T>(make: () => Iterable<T>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const it = make()[Symbol.iterator]();
      return {
        next: () => Promise.resolve(it.next()),
        return: (value?: unknown) => Promise.resolve(it.return?.(value) ?? { done: true, value: undefined }),
      };
    },
  };
}

/** Writes an SMS Backup & Restore `sms-*.xml` file. */
export async function writeSmsBackup(
  path: string,
  opts: GeneratorOptions,
): Promise<{ bytes: number; sms: number; mms: number }> {
  const bytes = await writeChunks(path, smsBackupBuffers(opts));
  return { bytes, sms: opts.sms, mms: opts.mms + (opts.bigAttachmentBytes === undefined ? 0 : 1) };
}

/** Writes an SMS Backup & Restore `calls-*.xml` file. */
export async function writeCallsBackup(path: string, opts: CallsGeneratorOptions): Promise<{ bytes: number; calls: number }> {
  const bytes = await writeChunks(path, callsBackupBuffers(opts));
  return { bytes, calls: opts.calls };
}

/** Streams the SMS backup as chunks without writing a file (used by tests). */
export function smsBackupChunks(opts: GeneratorOptions): AsyncIterable<Buffer> {
  return asAsync(() => smsBackupBuffers(opts));
}

/** Streams the calls backup as chunks without writing a file (used by tests). */
export function callsBackupChunks(opts: CallsGeneratorOptions): AsyncIterable<Buffer> {
  return asAsync(() => callsBackupBuffers(opts));
}
