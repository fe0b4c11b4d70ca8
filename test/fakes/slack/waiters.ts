interface Waiter {
  check: () => boolean;
  reject: (err: Error) => void;
}

/** Promises that settle when a probe over recorded traffic first returns a value. */
export class Waiters {
  private readonly pending = new Set<Waiter>();

  /** Re-runs every pending probe; call after each recording. */
  notify(): void {
    for (const waiter of [...this.pending]) if (waiter.check()) this.pending.delete(waiter);
  }

  rejectAll(reason: string): void {
    for (const waiter of this.pending) waiter.reject(new Error(reason));
    this.pending.clear();
  }

  /** Resolves with the probe's first defined value; `onTimeout` builds the rejection message. */
  until<T>(probe: () => T | undefined, timeoutMs: number, onTimeout: () => string): Promise<T> {
    const found = probe();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(waiter);
        reject(new Error(onTimeout()));
      }, timeoutMs);
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.pending.add(waiter);
    });
  }
}
