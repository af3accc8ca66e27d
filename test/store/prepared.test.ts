import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { param, preparePositional, sqliteCompiler } from '../../src/store/prepared.js';

interface Db {
  t: { a: string; b: number; c: string };
}

const q = sqliteCompiler<Db>();

describe('preparePositional', () => {
  it('binds values in the order of the names it was given, which must be the order of the SQL', () => {
    const sqlite = new BetterSqlite3(':memory:');
    sqlite.exec('CREATE TABLE t (a TEXT, b INTEGER, c TEXT)');
    const insert = q.insertInto('t').values({ a: param<string>('a'), b: param<number>('b'), c: param<string>('a') });
    const st = preparePositional<[a: string, b: number, a2: string]>(sqlite, insert, ['a', 'b', 'a']);
    st.run('x', 2, 'x');
    expect(sqlite.prepare('SELECT a, b, c FROM t').get()).toEqual({ a: 'x', b: 2, c: 'x' });

    // Names out of the query's order, one missing, or a constant where a name should be: refused.
    expect(() => preparePositional(sqlite, insert, ['b', 'a', 'a'])).toThrow(/do not match the query's \[a, b, a\]/);
    expect(() => preparePositional(sqlite, insert, ['a', 'b'])).toThrow(/do not match/);
    const withConstant = q.insertInto('t').values({ a: param<string>('a'), b: 7, c: param<string>('c') });
    expect(() => preparePositional(sqlite, withConstant, ['a', 'b', 'c'])).toThrow(/\(constant 7\)/);
    sqlite.close();
  });
});
