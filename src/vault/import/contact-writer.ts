/**
 * Names from a contacts file (vCard, SMS Import/Export contacts) into the contacts table, which
 * every view uses to name a number. Runs inside the import's transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { ContactRecord, StoredMedia } from '../../formats/records.js';
import { param as p, prepare, sqliteCompiler, type Prepared } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';
import type { PhoneNormalizer } from '../phone.js';

/** Compiles only; the statements run on the import's own connection. */
const q = sqliteCompiler<Schema>();

export class ContactWriter {
  private readonly names = new Map<string, { name: string; photo?: StoredMedia }>();
  private readonly current: Prepared<{ name: string; named_at: number; photo_sha256: string | null }>;
  private readonly upsert: Prepared<unknown>;
  private readonly insertBlob: Prepared<unknown>;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly phones: PhoneNormalizer,
  ) {
    this.current = prepare(sqlite, q.selectFrom('contacts').select(['name', 'named_at', 'photo_sha256']).where('address_norm', '=', p<string>('address_norm')));
    this.upsert = prepare(
      sqlite,
      q
        .insertInto('contacts')
        .values({ address_norm: p<string>('address_norm'), name: p<string>('name'), named_at: p<number>('named_at'), photo_sha256: p<string | null>('photo') })
        .onConflict((oc) => oc.column('address_norm').doUpdateSet({ name: p<string>('name'), named_at: p<number>('named_at'), photo_sha256: p<string | null>('photo') })),
    );
    this.insertBlob = prepare(
      sqlite,
      q
        .insertInto('blobs')
        .values({ sha256: p<string>('sha256'), size: p<number>('size'), created_at: p<number>('created_at') })
        .onConflict((oc) => oc.column('sha256').doNothing()),
    );
  }

  /** `new` when the contact names a number not named in the vault yet, else `duplicate`/`updated`. */
  add(c: ContactRecord): 'new' | 'duplicate' | 'updated' {
    let outcome: 'new' | 'duplicate' | 'updated' = 'duplicate';
    for (const raw of c.numbers) {
      const norm = this.phones.normalize(raw);
      if (norm === '' || this.names.has(norm)) continue;
      this.names.set(norm, { name: c.name, ...(c.photo ? { photo: c.photo } : {}) });
      const stored = this.current.get({ address_norm: norm });
      if (stored === undefined) outcome = 'new';
      else if ((stored.name !== c.name || (c.photo !== undefined && stored.photo_sha256 !== c.photo.sha256)) && outcome !== 'new') outcome = 'updated';
    }
    return outcome;
  }

  /**
   * Writes the names. An address book is the user's own naming: it wins over names backups gave
   * before `namedAt` (the file's date, or the import's time when it has none).
   */
  finish(namedAt: number): void {
    const at = namedAt > 0 ? namedAt : Date.now();
    for (const [address_norm, { name, photo }] of this.names) {
      const stored = this.current.get({ address_norm });
      const photoSha = photo?.sha256 ?? stored?.photo_sha256 ?? null;
      if (stored !== undefined && (stored.named_at > at || (stored.name === name && stored.photo_sha256 === photoSha))) continue;
      if (photo !== undefined) this.insertBlob.run({ sha256: photo.sha256, size: photo.size, created_at: Date.now() });
      this.upsert.run({ address_norm, name, named_at: at, photo: photoSha });
    }
  }
}
