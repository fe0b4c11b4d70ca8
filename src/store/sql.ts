import { type Column, eq, getTableColumns, inArray, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** `column = v` for one value (the plan a single lookup gets), `column in (…)` for several. */
export function oneOf<T>(column: Column, values: readonly T[]): SQL {
  return values.length === 1 ? eq(column, values[0]) : inArray(column, values as T[]);
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
 * A multi-row INSERT whose rows travel as one jsonb parameter (INSERT … SELECT FROM
 * jsonb_to_recordset). Drizzle's `.values()` binds each cell as a parameter of its own and
 * assembles the statement cell by cell; for the intake's batches that cost more CPU than the
 * database's whole work, and its parameter count limits a batch to 65,535 cells. Rows are drizzle's
 * insert model (property names, Dates); the columns are those of the first row, the others take
 * their defaults. `tail` follows the SELECT (ON CONFLICT …). With `returning`, the inserted rows
 * come back in drizzle's select model.
 */
export async function insertJson<T extends PgTable>(
  db: Executes,
  table: T,
  rows: Array<T['$inferInsert']>,
  opts: { tail?: SQL; returning?: boolean } = {},
): Promise<Array<T['$inferSelect']>> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0]!).filter((k) => columns[k]);
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
  const result = await db.execute(
    sql`insert into ${table} (${sql.raw(names)}) select ${sql.raw(names)} from jsonb_to_recordset(${json}::jsonb) as v(${sql.raw(shape)}) ${opts.tail ?? sql``} ${opts.returning ? sql`returning *` : sql``}`,
  );
  if (!opts.returning) return [];
  const all = Object.entries(columns);
  return rowsOf<Record<string, unknown>>(result).map((raw) => {
    const out: Record<string, unknown> = {};
    for (const [k, c] of all) {
      const v = raw[c.name];
      out[k] = v === null || v === undefined ? null : c.mapFromDriverValue(v);
    }
    return out as T['$inferSelect'];
  });
}
