import { type Column, eq, inArray, type SQL } from 'drizzle-orm';

/** `column = v` for one value (the plan a single lookup gets), `column in (…)` for several. */
export function oneOf<T>(column: Column, values: readonly T[]): SQL {
  return values.length === 1 ? eq(column, values[0]) : inArray(column, values as T[]);
}

/** The rows of a raw `db.execute`: postgres.js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
