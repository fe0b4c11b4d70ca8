/**
 * Work an adapter has taken on and not finished: a Slack event is answered before its listener
 * runs, a Discord gateway event is not answered at all, so on shutdown the process must wait for
 * these before it closes the database, or a deploy loses the message it just accepted.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  get size(): number {
    return this.running.size;
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const forget = () => this.running.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Waits until nothing is running (work started meanwhile included) or `timeoutMs` passed; returns what is left. */
  async drain(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.running.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((r) => {
          timer = setTimeout(r, left);
        }),
      ]);
      clearTimeout(timer);
    }
    return this.running.size;
  }
}

/** How long shutdown waits for accepted work (a Slack Web API call times out after 10 s). */
export const DRAIN_TIMEOUT_MS = 15_000;
