import { type Column, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** `column = v` for one value (the plan a single lookup gets), `column in (…)` for several. */
export function oneOf<T>(column: Column, values: readonly T[]): SQL {
  return values.length === 1 ? eq(column, values[0]) : inArray(column, values as T[]);
}

/**
 * `column = any($name)`: a list as one array parameter of a prepared query (see `perHandle`), so
 * the statement's text is the same whatever the list's length.
 */
export function anyOf(column: Column, name: string): SQL {
  return sql`${column} = any(${sql.placeholder(name)})`;
}

/**
 * A query built once per database handle, then only executed (drizzle's `.prepare()`, with
 * `sql.placeholder` for what changes). For the small reads every intake batch makes, building the
 * query (the select list column by column, the conditions) cost the bot more CPU than the
 * database's work on it (BENCHMARKS.md). A transaction's handle builds its own, once.
 */
export function perHandle<H extends object, Q>(build: (db: H) => Q): (db: H) => Q {
  const built = new WeakMap<H, Q>();
  return (db) => {
    let q = built.get(db);
    if (q === undefined) {
      q = build(db);
      built.set(db, q);
    }
    return q;
  };
}

/** The rows of a raw `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** What `insertJson` needs of a database handle (a Db or a transaction). */
interface Executes {
  execute(query: SQL): PromiseLike<unknown>;
}

/**
 * Rows for a multi-row INSERT as one jsonb parameter: `columns` is the column list, `rows` the
 * matching `SELECT … FROM jsonb_to_recordset($1) … AS v(…)`, whose columns can be named `v."col"` in
 * a WHERE that follows it, and `v."ordinality"` (the row's place in `rows`, from 1) in an ORDER BY. Rows are drizzle's insert model (property names, Dates); the columns are
 * those of the first row, the others take their defaults.
 */
export function jsonRows<T extends PgTable>(
  table: T,
  rows: Array<T['$inferInsert']>,
): { columns: SQL; rows: SQL } {
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0] ?? {}).filter((k) => columns[k]);
  const names = keys.map((k) => `"${columns[k]!.name}"`).join(', ');
  const shape = keys.map((k) => `"${columns[k]!.name}" ${columns[k]!.getSQLType()}`).join(', ');
  const json = JSON.stringify(
    rows.map((r) => {
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        const v = (r as Record<string, unknown>)[k];
        out[columns[k]!.name] = v instanceof Date ? v.toISOString() : (v ?? null);
      }
      return out;
    }),
  );
  return {
    columns: sql.raw(names),
    rows: sql`select ${sql.raw(names)} from rows from (jsonb_to_recordset(${json}::jsonb) as (${sql.raw(shape)})) with ordinality as v(${sql.raw(names)}, "ordinality")`,
  };
}

/** Raw result rows (column names) in drizzle's select model of `table`. */
export function mapRows<T extends PgTable>(table: T, result: unknown): Array<T['$inferSelect']> {
  const all = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  return rowsOf<Record<string, unknown>>(result).map((raw) => {
    const out: Record<string, unknown> = {};
    for (const [k, c] of all) {
      const v = raw[c.name];
      out[k] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
    }
    return out as T['$inferSelect'];
  });
}

/**
 * A multi-row INSERT whose rows travel as one jsonb parameter (INSERT … SELECT FROM
 * jsonb_to_recordset, see `jsonRows`). Drizzle's `.values()` binds each cell as a parameter of its
 * own and assembles the statement cell by cell; for the intake's batches that cost more CPU than
 * the database's whole work, and its parameter count limits a batch to 65,535 cells. `tail`
 * follows the SELECT (ON CONFLICT …). With `returning`, the inserted rows come back in drizzle's
 * select model.
 */
export async function insertJson<T extends PgTable>(
  db: Executes,
  table: T,
  rows: Array<T['$inferInsert']>,
  opts: { tail?: SQL; returning?: boolean } = {},
): Promise<Array<T['$inferSelect']>> {
  if (rows.length === 0) return [];
  const r = jsonRows(table, rows);
  const result = await db.execute(
    sql`insert into ${table} (${r.columns}) ${r.rows} ${opts.tail ?? sql``} ${opts.returning ? sql`returning *` : sql``}`,
  );
  return opts.returning ? mapRows(table, result) : [];
}
