import { describe, expect, it } from 'vitest';
import { inParallel } from '../../../src/app/delivery/deliver-outbox.js';

describe('inParallel (outbox rounds)', () => {
  it('keeps at most `limit` calls in flight and returns results in the items order', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 50 }, (_, i) => i);
    const out = await inParallel(items, 4, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Later items finish sooner, so completion order differs from item order.
      await new Promise((r) => setTimeout(r, (50 - n) % 7));
      inFlight -= 1;
      return n * 2;
    });
    expect(most).toBe(4);
    expect(out).toEqual(items.map((n) => n * 2));
  });

  it('handles fewer items than the limit, and none', async () => {
    expect(await inParallel([1, 2], 16, async (n) => n + 1)).toEqual([2, 3]);
    expect(await inParallel([], 16, async (n: number) => n)).toEqual([]);
  });
});
