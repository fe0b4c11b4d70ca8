/**
 * How long a test waits for a condition before it fails: only a failing test ever waits that long,
 * so it is generous, for two cores shared with other work (where 5 s was seen to run out).
 */
export const DEADLINE_MS = 20_000;

/**
 * The same for what a test waits for from a process it started (`tierdesk start`: the compiled
 * bot, PGlite, migrations): 2–5 s to ready on a quiet two-core machine, many times that beside
 * other work. A process test's own timeout is a few of these, so a deadline fails it first, saying
 * what it waited for.
 */
export const PROCESS_DEADLINE_MS = 60_000;

/** Retries an assertion until it passes (work that runs after an acknowledgement), or rethrows its last failure. */
export async function eventually<T>(
  fn: () => Promise<T> | T,
  timeoutMs = DEADLINE_MS,
  everyMs = 25,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
