import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from '../../../src/app/intake/group-commit.js';

// The batches' durations and the callers' arrivals are timers on a fake clock: which items share a
// batch then depends on the times written here, never on how busy the machine is.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs every timer (batches, lingering) until `work` is done, and returns its result. */
async function done<T>(work: Promise<T>): Promise<T> {
  await vi.runAllTimersAsync();
  return work;
}

/** A batch runner that records each batch it was given and fails any batch holding a 'poison' item. */
function recorder(delayMs = 5) {
  const batches: string[][] = [];
  const run = async (items: string[]) => {
    batches.push([...items]);
    await new Promise((r) => setTimeout(r, delayMs));
    if (items.includes('poison')) throw new Error('refused: poison');
    return items.map((i) => i.toUpperCase());
  };
  return { batches, run };
}

describe('group commit', () => {
  it('runs items submitted together as one batch, in order, each caller getting its own result', async () => {
    const r = recorder();
    const g = new GroupCommit(r.run, { maxBatch: 10, maxInFlight: 1 });
    const out = await done(Promise.all(['a', 'b', 'c'].map((x) => g.submit(x))));
    expect(out).toEqual(['A', 'B', 'C']);
    expect(r.batches).toEqual([['a', 'b', 'c']]);
  });

  it('gathers what arrives while a batch is in flight into the next, up to maxBatch', async () => {
    const r = recorder(20);
    const g = new GroupCommit(r.run, { maxBatch: 3, maxInFlight: 1 });
    const first = g.submit('a');
    await vi.advanceTimersByTimeAsync(5); // a's batch is 5 ms into its 20
    const rest = ['b', 'c', 'd', 'e'].map((x) => g.submit(x));
    expect(await done(Promise.all([first, ...rest]))).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(r.batches).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('with a batch running, starts the next only once it is as full as the last', async () => {
    const r = recorder(30);
    const g = new GroupCommit(r.run, { maxBatch: 10, maxInFlight: 2, lingerMs: 2 });
    const first = ['a', 'b', 'c', 'd'].map((x) => g.submit(x));
    const trickle: Promise<string>[] = [];
    for (const x of ['e', 'f', 'g', 'h']) {
      await vi.advanceTimersByTimeAsync(2); // one every 2 ms, all within the first batch's 30
      trickle.push(g.submit(x));
    }
    expect(await done(Promise.all([...first, ...trickle]))).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']);
    expect(r.batches).toEqual([
      ['a', 'b', 'c', 'd'],
      ['e', 'f', 'g', 'h'],
    ]);
  });

  it('retries a failed batch one item at a time, so only the bad item fails', async () => {
    const r = recorder();
    const failures: number[] = [];
    const g = new GroupCommit(r.run, {
      maxBatch: 10,
      maxInFlight: 1,
      onBatchFailure: (_err, size) => failures.push(size),
    });
    const out = await done(Promise.allSettled(['a', 'poison', 'b'].map((x) => g.submit(x))));
    expect(out.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'A',
      'refused: poison',
      'B',
    ]);
    expect(failures).toEqual([3]);
    expect(r.batches).toEqual([['a', 'poison', 'b'], ['a'], ['poison'], ['b']]);
  });

  it('under load, waits briefly for the callers of the last batch to come back instead of sending one alone', async () => {
    const r = recorder(10);
    const g = new GroupCommit(r.run, { maxBatch: 10, maxInFlight: 1, lingerMs: 15 });
    await done(Promise.all(['a', 'b', 'c'].map((x) => g.submit(x))));
    // The callers come back one after another, a few ms apart, as HTTP requests would.
    const next = g.submit('d');
    await vi.advanceTimersByTimeAsync(3);
    const later = [g.submit('e'), g.submit('f')];
    await done(Promise.all([next, ...later]));
    expect(r.batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    // A lone item after a lone item does not wait: done after its batch's 10 ms, not the 15 ms linger.
    await done(g.submit('g'));
    let h = false;
    void g.submit('h').then(() => {
      h = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(h).toBe(true);
    expect(r.batches.slice(-2)).toEqual([['g'], ['h']]);
  });
});
