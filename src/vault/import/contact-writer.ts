/**
 * Names from a contacts file (vCard, SMS Import/Export contacts) into the contacts table, which
 * every view uses to name a number. Runs inside the import's transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, DummyDriver } from 'kysely';
import type { ContactRecord } from '../../formats/records.js';
import { param as p, prepare, type Prepared } from '../../store/prepared.js';
import type { Schema } from '../../store/schema.js';
import type { PhoneNormalizer } from '../phone.js';

/** Compiles only; the statements run on the import's own connection. */
const q = new Kysely<Schema>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

export class ContactWriter {
  private readonly names = new Map<string, string>();
  private readonly current: Prepared<{ name: string; named_at: number }>;
  private readonly upsert: Prepared<unknown>;

  constructor(
    sqlite: BetterSqlite3.Database,
    private readonly phones: PhoneNormalizer,
  ) {
    this.current = prepare(sqlite, q.selectFrom('contacts').select(['name', 'named_at']).where('address_norm', '=', p<string>('address_norm')));
    this.upsert = prepare(
      sqlite,
      q
        .insertInto('contacts')
        .values({ address_norm: p<string>('address_norm'), name: p<string>('name'), named_at: p<number>('named_at') })
        .onConflict((oc) => oc.column('address_norm').doUpdateSet({ name: p<string>('name'), named_at: p<number>('named_at') })),
    );
  }

  /** `new` when the contact names a number not named in the vault yet, else `duplicate`/`updated`. */
  add(c: ContactRecord): 'new' | 'duplicate' | 'updated' {
    let outcome: 'new' | 'duplicate' | 'updated' = 'duplicate';
    for (const raw of c.numbers) {
      const norm = this.phones.normalize(raw);
      if (norm === '' || this.names.has(norm)) continue;
      this.names.set(norm, c.name);
      const stored = this.current.get({ address_norm: norm });
      if (stored === undefined) outcome = 'new';
      else if (stored.name !== c.name && outcome !== 'new') outcome = 'updated';
    }
    return outcome;
  }

  /**
   * Writes the names. An address book is the user's own naming: it wins over names backups gave
   * before `namedAt` (the file's date, or the import's time when it has none).
   */
  finish(namedAt: number): void {
    const at = namedAt > 0 ? namedAt : Date.now();
    for (const [address_norm, name] of this.names) {
      const stored = this.current.get({ address_norm });
      if (stored !== undefined && (stored.named_at > at || stored.name === name)) continue;
      this.upsert.run({ address_norm, name, named_at: at });
    }
  }
}
