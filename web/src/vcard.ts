// Just enough vCard (2.1/3.0/4.0) reading to show a contact card: the names, numbers, e-mails and
// organisation of each card. The archive keeps the original bytes; this is display only.

export interface ContactCard {
  name: string;
  org: string | null;
  phones: { value: string; type: string | null }[];
  emails: string[];
}

function unfold(text: string): string[] {
  // Continuation lines start with a space or tab (RFC 6350 3.2); vCard 2.1 quoted-printable soft
  // breaks end with "=".
  return text.replace(/\r\n|\r/g, '\n').replace(/=\n/g, '').replace(/\n[ \t]/g, '').split('\n');
}

function unescape(v: string): string {
  return v.replace(/\\n/gi, '\n').replace(/\\([,;\\])/g, '$1');
}

function decodeQuotedPrintable(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    const hex = v.slice(i + 1, i + 3);
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...new TextEncoder().encode(c));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

export function parseVCards(text: string): ContactCard[] {
  const cards: ContactCard[] = [];
  let card: ContactCard | null = null;
  let structured = '';
  for (const line of unfold(text)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const head = line.slice(0, colon);
    let value = line.slice(colon + 1);
    const [rawName = '', ...params] = head.split(';');
    const name = rawName.replace(/^item\d+\./i, '').toUpperCase();
    const upperParams = params.map((p) => p.toUpperCase());
    if (upperParams.some((p) => p.includes('QUOTED-PRINTABLE'))) value = decodeQuotedPrintable(value);
    if (name === 'BEGIN' && value.trim().toUpperCase() === 'VCARD') {
      card = { name: '', org: null, phones: [], emails: [] };
      structured = '';
      continue;
    }
    if (card === null) continue;
    if (name === 'END') {
      if (card.name === '') card.name = structured || card.phones[0]?.value || card.emails[0] || 'Contact';
      cards.push(card);
      card = null;
    } else if (name === 'FN') {
      card.name = unescape(value.trim());
    } else if (name === 'N') {
      const [family = '', given = ''] = value.split(';').map(unescape);
      structured = [given, family].filter((s) => s !== '').join(' ');
    } else if (name === 'TEL') {
      const type = upperParams.map((p) => p.replace(/^TYPE=/, '')).find((p) => p !== '' && !p.startsWith('VALUE') && !p.startsWith('PREF')) ?? null;
      card.phones.push({ value: unescape(value.replace(/^tel:/i, '').trim()), type: type === null ? null : type.toLowerCase() });
    } else if (name === 'EMAIL') {
      card.emails.push(unescape(value.trim()));
    } else if (name === 'ORG') {
      card.org = value.split(';').map(unescape).filter((s) => s !== '').join(', ') || null;
    }
  }
  return cards;
}
