/**
 * Group commit at the application level: items submitted while earlier batches are in flight are
 * gathered and handed to `run` together, so that one transaction (one BEGIN, one COMMIT, one WAL
 * flush, a few multi-row statements) serves many callers. With nothing in flight an item starts
 * at once (after the current tick, to pick up anything submitted in the same tick), so a quiet bot
 * pays no waiting for it.
 *
 * A failed batch of several items is retried one item at a time, so one item the database refuses
 * cannot take the others down; each caller gets its own result or its own error.
 */
export interface GroupCommitOptions {
  /** Most items per batch. */
  maxBatch: number;
  /** Batches running at once (one builds its statements while another waits on the database). */
  maxInFlight: number;
  /**
   * Under load (the last batch held several items), wait up to this long for the queue to fill to
   * the last batch's size before starting the next one. Callers answered by one batch come back
   * together; without the wait, the first to return would go alone and the rest would queue behind
   * it. With a single item last time nothing waits, so a quiet bot pays nothing.
   */
  lingerMs?: number;
  /** Told when a batch failed and its items are being retried alone. */
  onBatchFailure?: (err: unknown, size: number) => void;
}

interface Waiter<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit<I, O> {
  private readonly queue: Waiter<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private lastSize = 1;
  private lingering = false;
  private lingered = false;

  constructor(
    private readonly run: (items: I[]) => Promise<O[]>,
    private readonly opts: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        queueMicrotask(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    if (this.lingering) return;
    const linger = this.opts.lingerMs ?? 0;
    const target = Math.min(this.lastSize, this.opts.maxBatch);
    if (
      linger > 0 &&
      this.inFlight === 0 &&
      !this.lingered &&
      this.queue.length > 0 &&
      this.queue.length < target
    ) {
      this.lingering = true;
      setTimeout(() => {
        this.lingering = false;
        this.lingered = true;
        this.pump();
      }, linger);
      return;
    }
    this.lingered = false;
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      // With a batch running and a wait allowed, the next one starts only as full as the last:
      // callers trickling in one by one would otherwise each get a batch of their own.
      if (linger > 0 && this.inFlight > 0 && this.queue.length < target) break;
      const batch = this.queue.splice(0, this.opts.maxBatch);
      this.lastSize = batch.length;
      this.inFlight++;
      void this.runBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: Waiter<I, O>[]): Promise<void> {
    try {
      const out = await this.run(batch.map((w) => w.item));
      for (const [i, w] of batch.entries()) w.resolve(out[i]!);
      return;
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      this.opts.onBatchFailure?.(err, batch.length);
    }
    for (const w of batch) {
      try {
        const [o] = await this.run([w.item]);
        w.resolve(o!);
      } catch (e) {
        w.reject(e);
      }
    }
  }
}
