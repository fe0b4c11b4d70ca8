/** Retries an assertion until it passes (work that runs after an acknowledgement), or rethrows its last failure. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000, everyMs = 25): Promise<T> {
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
