/**
 * Kysely builds the SQL; better-sqlite3 runs it as a prepared statement.
 *
 * The import hot path runs millions of small statements inside one transaction. Kysely's
 * executor is asynchronous (a promise per query), so the hot path compiles each Kysely query
 * once, with named placeholders, and executes it synchronously. The SQL text still comes from
 * Kysely, so a PostgreSQL dialect compiles the same builders to its own SQL.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Compilable } from 'kysely';

/** A Kysely instance that only compiles SQLite SQL (never executes): the builder for `prepare`. */
export function sqliteCompiler<DB>(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}

const PARAM_PREFIX = '\u0000textvault-param:';

/**
 * A named placeholder to put where a value goes in a Kysely builder. It is typed as the column's
 * value type so builders type-check; its runtime value is a marker that `prepare` resolves.
 */
// The type parameter is the point: it lets a marker stand where a column value is expected.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function param<T>(name: string): T {
  return (PARAM_PREFIX + name) as unknown as T;
}

export type Params = Record<string, unknown>;

export interface Prepared<Row> {
  run(params?: Params): BetterSqlite3.RunResult;
  get(params?: Params): Row | undefined;
  all(params?: Params): Row[];
  /** The statement itself, for iterate() and other better-sqlite3 features. */
  statement: BetterSqlite3.Statement<unknown[], Row>;
  bind(params?: Params): unknown[];
}

/** Compiles a Kysely query and prepares it on the SQLite connection. */
export function prepare<Row = unknown>(sqlite: BetterSqlite3.Database, query: Compilable): Prepared<Row> {
  const compiled = query.compile();
  const slots = compiled.parameters.map((p) =>
    typeof p === 'string' && p.startsWith(PARAM_PREFIX) ? { name: p.slice(PARAM_PREFIX.length) } : { value: p },
  );
  const statement = sqlite.prepare<unknown[], Row>(compiled.sql);
  const bind = (params: Params = {}): unknown[] =>
    slots.map((s) => {
      if ('value' in s) return s.value;
      const v = params[s.name];
      if (v === undefined) throw new Error(`missing SQL parameter ${s.name} for: ${compiled.sql}`);
      return v;
    });
  return {
    statement,
    bind,
    run: (params) => statement.run(...bind(params)),
    get: (params) => statement.get(...bind(params)),
    all: (params) => statement.all(...bind(params)),
  };
}

/** A statement whose values are passed by position, in the order of `preparePositional`'s names. */
export interface Positional<Args extends unknown[], Row> {
  run(...args: Args): BetterSqlite3.RunResult;
  get(...args: Args): Row | undefined;
}

/**
 * For the few statements an import runs for every message: values are bound by position, with
 * no object to build and read back per row (measured: ~0.4 us less per 15-value insert, which
 * is ~0.5 s of an import's 1,000,000 SMS). `names` are the query's `param` names in the order
 * its SQL binds them (a name bound twice is listed twice); a query whose parameters differ
 * throws here, when the statement is prepared, so a reordered builder cannot bind a value to
 * the wrong column.
 */
export function preparePositional<Args extends unknown[], Row = unknown>(
  sqlite: BetterSqlite3.Database,
  query: Compilable,
  names: { [K in keyof Args]: string },
): Positional<Args, Row> {
  return positionalStatement<Args, Row>(sqlite, query, names);
}

/**
 * As preparePositional, for a query of one column: get() gives that column's value instead of a
 * row object, one object less to build for a statement run once per message.
 */
// Value is the point, as with param(): it types the column the caller selected.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function preparePositionalValue<Args extends unknown[], Value>(
  sqlite: BetterSqlite3.Database,
  query: Compilable,
  names: { [K in keyof Args]: string },
): { get(...args: Args): Value | undefined } {
  return positionalStatement<Args, Value>(sqlite, query, names).pluck();
}

function positionalStatement<Args extends unknown[], Row>(
  sqlite: BetterSqlite3.Database,
  query: Compilable,
  names: { [K in keyof Args]: string },
): BetterSqlite3.Statement<Args, Row> {
  const compiled = query.compile();
  const actual = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(PARAM_PREFIX) ? p.slice(PARAM_PREFIX.length) : `(constant ${String(p)})`));
  if (actual.join(',') !== names.join(',')) {
    throw new Error(`positional parameters [${names.join(', ')}] do not match the query's [${actual.join(', ')}]: ${compiled.sql}`);
  }
  // The statement itself: a wrapper that forwards its arguments would cost what this saves.
  return sqlite.prepare<Args, Row>(compiled.sql);
}
