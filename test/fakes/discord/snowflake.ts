/** Discord snowflakes: ms since the Discord epoch << 22 | worker | process | increment. */
export const DISCORD_EPOCH = 1_420_070_400_000n;

let last = 0n;

/** A fresh snowflake (19 digits today), strictly greater than every one handed out before. */
export function snowflake(at: number = Date.now()): string {
  let id = ((BigInt(at) - DISCORD_EPOCH) << 22n) | (1n << 17n) | (1n << 12n);
  if (id <= last) id = last + 1n;
  last = id;
  return id.toString();
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** Compares two snowflakes numerically (they may differ in length). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
