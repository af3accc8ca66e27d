/**
 * Text side of the benchmark generator: attribute escaping the way SMS Backup & Restore does it,
 * dates, contacts with their many number formats, and message bodies.
 */
import {
  EMOJI,
  FIRST_NAMES,
  LANGUAGES,
  LAST_NAMES,
  SERVICE_SENDERS,
  SLOT_NAMES,
  SPECIAL_NAMES,
  URLS,
  type Language,
  type LanguageId,
  type SlotName,
} from './generator-corpus.js';
import type { Rng } from './generator-random.js';

/** Messages spread over about nine years unless that makes gaps unrealistically long. */
const TARGET_SPAN_MS = 9 * 365 * 86_400_000;
const MAX_MEAN_GAP_MS = 3 * 3_600_000;
const MIN_MEAN_GAP_MS = 20_000;

// ---------------------------------------------------------------------------------------------
// Escaping, the way the app does it

/** Cheap pre-check: most values need no escaping at all, and a test is much faster than replace. */
const NEEDS_ESCAPE = /[&<>"'\n\r\t\uD800-\uDFFF]/;
const ESCAPE_IN_DOUBLE = /[&<>"\n\r\t]|[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const ESCAPE_IN_SINGLE = /[&<>'\n\r\t]|[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/**
 * Quotes attribute values. Emoji outside the BMP are written in one of the three forms the app's
 * versions have used, chosen per emoji so that one file exercises all of them.
 */
export class AttrQuoter {
  private readonly singleRefCut: number;

  constructor(
    private readonly rng: Rng,
    private readonly legacyRatio: number,
  ) {
    // Of the non-legacy emoji, about a third are single references and the rest raw UTF-8.
    this.singleRefCut = legacyRatio + (1 - legacyRatio) * 0.35;
  }

  private readonly replace = (m: string): string => {
    switch (m) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      case '\n':
        return '&#10;';
      case '\r':
        return '&#13;';
      case '\t':
        return '&#9;';
      default: {
        // A surrogate pair: one astral character.
        const r = this.rng.next();
        if (r < this.legacyRatio) return `&#${m.charCodeAt(0)};&#${m.charCodeAt(1)};`;
        if (r < this.singleRefCut) return `&#${String(m.codePointAt(0))};`;
        return m;
      }
    }
  };

  /**
   * Returns the value with its quotes. Like the app, a value containing `"` is put in single
   * quotes (with `'` as `&apos;`) instead of turning every `"` into `&quot;`.
   */
  quote(value: string): string {
    if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
    if (value.includes('"')) return `'${value.replace(ESCAPE_IN_SINGLE, this.replace)}'`;
    return `"${value.replace(ESCAPE_IN_DOUBLE, this.replace)}"`;
  }
}

/** SMIL documents are always double-quoted with `&quot;` in real files (see the fixture). */
export function escapeSmil(smil: string): string {
  return smil
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\n', '&#10;');
}

// ---------------------------------------------------------------------------------------------
// Dates

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * `readable_date` as the app writes it in an English locale ("Dec 2, 2017 06:49:27"), in UTC so
 * output does not depend on the machine's time zone. The date part is cached per day because a
 * million `Date` objects and string builds would be a visible share of generation time.
 */
export class ReadableDates {
  private day = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const day = Math.floor(ms / 86_400_000);
    if (day !== this.day) {
      const d = new Date(day * 86_400_000);
      this.prefix = `${MONTHS[d.getUTCMonth()] ?? ''} ${d.getUTCDate()}, ${d.getUTCFullYear()} `;
      this.day = day;
    }
    const secs = Math.floor((ms - day * 86_400_000) / 1000);
    const h = PAD2[Math.floor(secs / 3600)] ?? '';
    const m = PAD2[Math.floor(secs / 60) % 60] ?? '';
    const s = PAD2[secs % 60] ?? '';
    return `${this.prefix}${h}:${m}:${s}`;
  }
}

/**
 * Monotonic message times. Gaps mix conversation bursts (seconds) with quiet periods (hours),
 * scaled so the whole file spans a plausible number of years.
 */
export class Clock {
  private now: number;
  readonly meanGap: number;

  constructor(
    private readonly rng: Rng,
    start: number,
    total: number,
  ) {
    this.now = start;
    this.meanGap = Math.min(MAX_MEAN_GAP_MS, Math.max(MIN_MEAN_GAP_MS, TARGET_SPAN_MS / Math.max(1, total)));
  }

  /**
   * Advances and returns the new time. The minimum step of just over one second keeps dates
   * strictly increasing even after MMS dates are truncated to whole seconds.
   */
  tick(): number {
    const burst = this.rng.chance(0.5);
    const shape = burst ? 0.1 * this.rng.exp() : 1.9 * this.rng.exp();
    this.now += Math.max(1001, Math.round(this.meanGap * shape));
    return this.now;
  }
}

// ---------------------------------------------------------------------------------------------
// Contacts and phone numbers

export interface Contact {
  /** Name as saved in the address book; `(Unknown)` when the number is not saved. */
  readonly name: string;
  readonly firstName: string;
  /** `numbers[0]` is the E.164 form; the others are the same number written other ways. */
  readonly numbers: readonly string[];
  readonly lang: LanguageId;
}

interface NumberPlan {
  readonly lang: LanguageId;
  /** National significant number: fixed prefix then random digits. */
  readonly prefix: string;
  readonly randomDigits: number;
  /** Ways the number gets written; `#` takes the next national digit. First = E.164. */
  readonly formats: readonly string[];
}

const US_PLAN_FORMATS = ['+1##########', '##########', '(###) ###-####', '1##########', '###-###-####'];
export const US_AREAS = ['206', '212', '305', '312', '404', '415', '503', '512', '617', '646', '702', '718', '720', '917'];

/** Fictional or drama ranges where the country has one; otherwise ordinary mobile prefixes. */
const FOREIGN_PLANS: readonly NumberPlan[] = [
  { lang: 'en', prefix: '7700900', randomDigits: 3, formats: ['+44##########', '0##########', '+44 #### ######'] },
  { lang: 'fr', prefix: '6', randomDigits: 8, formats: ['+33#########', '0#########', '0# ## ## ## ##'] },
  { lang: 'de', prefix: '151', randomDigits: 8, formats: ['+49###########', '0###########', '0### ########'] },
  { lang: 'es', prefix: '6', randomDigits: 8, formats: ['+34#########', '#########', '### ## ## ##'] },
  { lang: 'pt', prefix: '119', randomDigits: 8, formats: ['+55###########', '###########', '(##) #####-####'] },
  { lang: 'ru', prefix: '9', randomDigits: 9, formats: ['+7##########', '8##########', '8 (###) ###-##-##'] },
  { lang: 'zh', prefix: '13', randomDigits: 9, formats: ['+86###########', '###########', '### #### ####'] },
  { lang: 'ja', prefix: '90', randomDigits: 8, formats: ['+81##########', '0##########', '0##-####-####'] },
  { lang: 'ar', prefix: '5', randomDigits: 8, formats: ['+966#########', '0#########', '0## ### ####'] },
  { lang: 'ko', prefix: '10', randomDigits: 8, formats: ['+82##########', '0##########', '0##-####-####'] },
];

/** Languages of people with US numbers, by weight. */
const US_LANGS: readonly LanguageId[] = ['en', 'es', 'zh', 'ko', 'ru', 'ar', 'fr', 'de', 'pt', 'ja'];
const US_LANG_WEIGHTS = [78, 10, 3, 2, 2, 1.5, 1, 1, 1, 0.5];

function formatNumber(format: string, national: string): string {
  let i = 0;
  let out = '';
  for (const ch of format) {
    if (ch === '#') out += national.charAt(i++);
    else out += ch;
  }
  return out;
}

function makeName(rng: Rng, lang: LanguageId): { name: string; firstName: string } {
  const first = rng.pick(FIRST_NAMES[lang]);
  if (rng.chance(0.04)) return { name: rng.pick(SPECIAL_NAMES), firstName: first };
  if (rng.chance(0.2)) return { name: first, firstName: first };
  const last = rng.pick(LAST_NAMES[lang]);
  // East Asian names are family name first; Chinese and Korean without a space.
  if (lang === 'zh' || lang === 'ko') return { name: last + first, firstName: first };
  if (lang === 'ja') return { name: `${last} ${first}`, firstName: first };
  return { name: `${first} ${last}`, firstName: first };
}

export function makeContacts(rng: Rng, count: number): Contact[] {
  const contacts: Contact[] = [];
  const seen = new Set<string>();
  while (contacts.length < count) {
    let plan: NumberPlan;
    let lang: LanguageId;
    if (rng.chance(0.8)) {
      lang = US_LANGS[rng.weighted(US_LANG_WEIGHTS)] ?? 'en';
      plan = { lang, prefix: `${rng.pick(US_AREAS)}555`, randomDigits: 4, formats: US_PLAN_FORMATS };
    } else {
      plan = rng.pick(FOREIGN_PLANS);
      lang = plan.lang;
    }
    const national = plan.prefix + rng.digits(plan.randomDigits);
    const numbers = plan.formats.map((f) => formatNumber(f, national));
    const e164 = numbers[0] ?? national;
    if (seen.has(e164)) continue;
    seen.add(e164);
    const unknown = rng.chance(0.1);
    const { name, firstName } = makeName(rng, lang);
    contacts.push({ name: unknown ? '(Unknown)' : name, firstName, numbers, lang });
  }
  return contacts;
}

/** A few contacts get most of the messages, as in real phones. */
export function pickContact(rng: Rng, contacts: readonly Contact[]): Contact {
  const r = rng.next();
  const c = contacts[Math.floor(contacts.length * r * r * r)];
  if (c === undefined) throw new Error('no contacts');
  return c;
}

/** About one message in ten carries the number in a non-canonical format. */
export function addressOf(rng: Rng, contact: Contact): string {
  const numbers = contact.numbers;
  if (numbers.length > 1 && rng.chance(0.1)) return numbers[1 + rng.int(numbers.length - 1)] ?? '';
  return numbers[0] ?? '';
}

// ---------------------------------------------------------------------------------------------
// Message bodies

type Piece = string | { readonly slot: SlotName };
type Template = readonly Piece[];

function isSlot(name: string): name is SlotName {
  return (SLOT_NAMES as readonly string[]).includes(name);
}

/** Splits a template at its {slots} once, so filling it later is a loop over pieces. */
function compile(template: string): Template {
  const pieces: Piece[] = [];
  const parts = template.split(/\{(\w+)\}/);
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      if (part !== '') pieces.push(part);
    } else if (isSlot(part)) {
      pieces.push({ slot: part });
    } else {
      throw new Error(`unknown slot {${part}} in template "${template}"`);
    }
  });
  return pieces;
}

interface CompiledLanguage {
  readonly lang: Language;
  readonly id: LanguageId;
  readonly sentences: readonly Template[];
}

const COMPILED: ReadonlyMap<LanguageId, CompiledLanguage> = new Map(
  (Object.keys(LANGUAGES) as LanguageId[]).map((id) => [
    id,
    { id, lang: LANGUAGES[id], sentences: LANGUAGES[id].sentences.map(compile) },
  ]),
);
const SERVICE_TEMPLATES = SERVICE_SENDERS.map(([address, templates]) => ({
  address,
  templates: templates.map(compile),
}));

function compiledLanguage(id: LanguageId): CompiledLanguage {
  const c = COMPILED.get(id);
  if (c === undefined) throw new Error(`unknown language ${id}`);
  return c;
}

/** Builds raw (unescaped) message text. */
export class Bodies {
  constructor(
    private readonly rng: Rng,
    private readonly contacts: readonly Contact[],
  ) {}

  private slot(slot: SlotName, lang: CompiledLanguage): string {
    const rng = this.rng;
    switch (slot) {
      case 'time': {
        const h = rng.range(6, 22);
        const m = PAD2[rng.int(4) * 15] ?? '00';
        switch (rng.int(4)) {
          case 0:
            return `${h}:${m}`;
          case 1:
            return `${h > 12 ? h - 12 : h}:${m}${h >= 12 ? 'pm' : 'am'}`;
          case 2:
            return `${h > 12 ? h - 12 : h}${h >= 12 ? 'pm' : 'am'}`;
          default:
            return `${h}h${m}`;
        }
      }
      case 'day':
        return rng.pick(lang.lang.days);
      case 'num':
        return String(rng.range(2, 45));
      case 'price': {
        const units = rng.range(3, 250);
        const cents = PAD2[rng.int(60)] ?? '00';
        switch (lang.id) {
          case 'en':
            return rng.chance(0.8) ? `$${units}.${cents}` : `£${units}`;
          case 'es':
          case 'fr':
          case 'de':
            return rng.chance(0.5) ? `${units},${cents} €` : `€${units}`;
          case 'pt':
            return `R$ ${units},${cents}`;
          case 'ru':
            return `${units * 10} ₽`;
          case 'zh':
            return `¥${units}`;
          case 'ja':
            return `${units * 10}円`;
          case 'ko':
            return `${units * 100}원`;
          case 'ar':
            return `${units} ريال`;
        }
        return String(units);
      }
      case 'phone': {
        const c = pickContact(rng, this.contacts);
        return rng.pick(c.numbers);
      }
      case 'url':
        return rng.pick(URLS);
      case 'code':
        return rng.digits(6);
      case 'date': {
        const m = rng.range(1, 12);
        const d = rng.range(1, 28);
        switch (rng.int(4)) {
          case 0:
            return `${m}/${d}`;
          case 1:
            return `${PAD2[d] ?? ''}.${PAD2[m] ?? ''}.20${rng.range(15, 24)}`;
          case 2:
            return `20${rng.range(15, 24)}-${PAD2[m] ?? ''}-${PAD2[d] ?? ''}`;
          default:
            return `${d}/${m}/${rng.range(15, 24)}`;
        }
      }
      case 'name':
        return rng.pick(FIRST_NAMES[lang.id]);
    }
  }

  private fill(template: Template, lang: CompiledLanguage): string {
    let out = '';
    for (const piece of template) out += typeof piece === 'string' ? piece : this.slot(piece.slot, lang);
    return out;
  }

  private sentences(lang: CompiledLanguage, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) out += lang.lang.sep;
      out += this.fill(this.rng.pick(lang.sentences), lang);
    }
    return out;
  }

  private emoji(): string {
    let out = '';
    const n = this.rng.chance(0.7) ? 1 : this.rng.range(2, 3);
    for (let i = 0; i < n; i++) out += this.rng.pick(EMOJI);
    return out;
  }

  /**
   * Length mix: about a quarter are one-word replies, most are one or two sentences (20-160
   * characters), a few are long, and one in ~70 is a multi-paragraph message with newlines.
   */
  message(langId: LanguageId): string {
    const rng = this.rng;
    // People switch to English now and then whatever their language.
    const lang = compiledLanguage(langId !== 'en' && rng.chance(0.2) ? 'en' : langId);
    const r = rng.next();
    let text: string;
    if (r < 0.27) {
      text = rng.pick(lang.lang.short);
    } else if (r < 0.9) {
      text = this.sentences(lang, rng.chance(0.75) ? 1 : 2);
    } else if (r < 0.985) {
      text = this.sentences(lang, rng.range(3, 5));
    } else {
      const paragraphs = rng.range(3, 6);
      const newline = rng.pick(['\n\n', '\n', '\n', '\r\n']);
      const parts: string[] = [];
      for (let i = 0; i < paragraphs; i++) parts.push(this.sentences(lang, rng.range(1, 3)));
      text = parts.join(newline);
    }
    if (rng.chance(0.16)) {
      if (rng.chance(0.1)) return this.emoji();
      text += (lang.lang.sep === '' ? '' : ' ') + this.emoji();
    }
    return text;
  }

  service(): { address: string; body: string } {
    const sender = this.rng.pick(SERVICE_TEMPLATES);
    return { address: sender.address, body: this.fill(this.rng.pick(sender.templates), compiledLanguage('en')) };
  }

  subject(): string {
    return this.rng.pick(['Photo', 'Pics from Saturday!', 'Re: plans', 'Fotos 📸', 'Video', 'Happy "Friday"']);
  }
}
