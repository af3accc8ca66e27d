/**
 * The full-text index over message text, behind a small interface so the SQLite implementation
 * (FTS5) can be swapped for PostgreSQL's own search without touching the vault.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { searchableText } from './search-text.js';

export interface SearchIndex {
  add(messageId: number, text: string): void;
  /** `text`: the message's text as it was when it was added (the index keeps no copy of it). */
  remove(messageId: number, text: string): void;
  /**
   * Indexes every message with an id of at least `firstId` in one statement: an import adds its
   * new messages this way at the end, about twice as fast as one insert per message.
   * `searchTexts` holds, by id, the searchableText of the bodies that are not their own
   * searchable text (CJK): the import makes it where it reads the file, so the rest go into the
   * index as they are, with no function call per row (1,000,000 bodies: 2.8 s -> 2.1 s).
   */
  addFrom(firstId: number, searchTexts: ReadonlyMap<number, string>): void;
  /** Message ids whose text contains every word of the query (CJK matched by characters). */
  match(query: string, limit: number): number[];
}

/** FTS5's in-memory term buffer before it writes a segment (migration 0009). */
export const SEARCH_HASH_BYTES = 16 * 1024 * 1024;

/**
 * The SQL function (registered on every connection, store/database.ts) that gives a body's text as
 * the index takes it: what migrations that rebuild the index call for each message.
 */
export const SEARCHABLE_TEXT_FUNCTION = 'textvault_searchable_text';

/** Turns user input into an FTS5 query: each word quoted (no operator injection), CJK as phrases. */
export function ftsQuery(query: string): string {
  const words = query.split(/\s+/).filter((w) => w.length > 0);
  return words
    .map((w) => `"${searchableText(w).trim().replace(/\s+/g, ' ').replaceAll('"', '""')}"`)
    .join(' AND ');
}

/**
 * `message_fts` as migration 0011 made it: contentless (the texts are in `messages`) and without
 * per-row sizes (results are in id order, never ranked), so a row is removed with FTS5's 'delete'
 * command and the text it was indexed with.
 */
export class SqliteSearchIndex implements SearchIndex {
  private readonly insert: BetterSqlite3.Statement;
  private readonly delete: BetterSqlite3.Statement<[number, string]>;
  private readonly query: BetterSqlite3.Statement<[string, number], { rowid: number }>;
  private tableCheck: BetterSqlite3.Statement | undefined;
  private bulk: { stage: BetterSqlite3.Statement<[number, string]>; add: BetterSqlite3.Statement<[number]>; clear: BetterSqlite3.Statement } | undefined;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.insert = db.prepare('INSERT INTO message_fts(rowid, text) VALUES (?, ?)');
    this.delete = db.prepare("INSERT INTO message_fts(message_fts, rowid, text) VALUES ('delete', ?, ?)");
    this.query = db.prepare('SELECT rowid FROM message_fts WHERE message_fts MATCH ? ORDER BY rowid DESC LIMIT ?');
  }

  add(messageId: number, text: string): void {
    if (text.length === 0) return;
    this.insert.run(messageId, searchableText(text));
  }

  remove(messageId: number, text: string): void {
    // Exactly what add() and addFrom() indexed: deleting other terms would corrupt the index.
    if (text.length === 0) return;
    this.delete.run(messageId, searchableText(text));
  }

  addFrom(firstId: number, searchTexts: ReadonlyMap<number, string>): void {
    const bulk = this.bulkStatements();
    for (const [id, text] of searchTexts) bulk.stage.run(id, text);
    bulk.add.run(firstId);
    bulk.clear.run();
  }

  match(query: string, limit: number): number[] {
    const q = ftsQuery(query);
    if (q.length === 0) return [];
    return this.query.all(q, limit).map((r) => r.rowid);
  }

  /**
   * One pass over the new rows in rowid order, prepared texts joined in from a temporary table:
   * FTS5 writes out its buffered terms whenever a rowid is lower than the last one, so adding
   * the prepared texts after the rest flushed a small segment every batch, and the merges of
   * those segments cost more than the terms themselves. Made on first use (an import), so that
   * a read-only vault never creates the temporary table.
   */
  private hasTempTable(): boolean {
    this.tableCheck ??= this.db.prepare("SELECT 1 FROM temp.sqlite_schema WHERE type = 'table' AND name = 'search_prepared'");
    return this.tableCheck.get() !== undefined;
  }

  private bulkStatements() {
    // Created inside an import's transaction, the table goes when that import rolls back (it
    // failed, or was cancelled), and the statements with it: the next import on this connection
    // makes them again. One look per batch of INDEX_BATCH messages.
    if (this.bulk !== undefined && !this.hasTempTable()) this.bulk = undefined;
    if (this.bulk === undefined) {
      this.db.exec('CREATE TEMP TABLE IF NOT EXISTS search_prepared (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
      this.bulk = {
        stage: this.db.prepare('INSERT INTO temp.search_prepared (id, text) VALUES (?, ?)'),
        add: this.db.prepare(
          "INSERT INTO message_fts(rowid, text) SELECT m.id, coalesce(p.text, m.body) FROM messages m LEFT JOIN temp.search_prepared p ON p.id = m.id WHERE m.id >= ? AND coalesce(p.text, m.body) <> ''",
        ),
        clear: this.db.prepare('DELETE FROM temp.search_prepared'),
      };
    }
    return this.bulk;
  }
}
