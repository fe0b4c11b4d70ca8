import { describe, expect, it } from 'vitest';
import { ChannelPacer } from '../../../src/adapters/slack/pacer.js';

/** A pacer on a fake clock: sleeping records the wait and moves the clock past it. */
function paced(perSecond: number, burst: number) {
  let now = 0;
  const sent: Array<{ channel: string; at: number }> = [];
  const sleeps: number[] = [];
  const pacer = new ChannelPacer(
    perSecond,
    burst,
    () => now,
    async (ms) => {
      sleeps.push(ms);
    },
  );
  return {
    sent,
    sleeps,
    set: (ms: number) => {
      now = ms;
    },
    /** When each call to `channel` may go out (its own start plus the wait it was given). */
    async call(channel: string) {
      const before = sleeps.length;
      const at = now;
      // The pacer decides synchronously: a call that must wait has slept by the time wait() returns.
      const waiting = pacer.wait(channel);
      sent.push({ channel, at: at + (sleeps.length > before ? sleeps[before]! : 0) });
      await waiting;
    },
  };
}

describe('ChannelPacer', () => {
  it('lets a burst through at once, then one call per interval, in the order they came', async () => {
    const p = paced(1, 4);
    await Promise.all(Array.from({ length: 7 }, () => p.call('C1')));
    expect(p.sent.map((s) => s.at)).toEqual([0, 0, 0, 0, 1000, 2000, 3000]);
  });

  it('paces each channel on its own', async () => {
    const p = paced(1, 1);
    await Promise.all([p.call('C1'), p.call('C2'), p.call('C1'), p.call('C2')]);
    expect(p.sent.map((s) => `${s.channel}@${s.at}`)).toEqual(['C1@0', 'C2@0', 'C1@1000', 'C2@1000']);
  });

  it('a quiet channel earns back its burst, and no more', async () => {
    const p = paced(2, 3);
    for (let i = 0; i < 5; i++) await p.call('C1'); // 0, 0, 0, 500, 1000
    p.set(10_000); // long quiet: the burst again, not twenty calls' worth
    for (let i = 0; i < 4; i++) await p.call('C1');
    expect(p.sent.map((s) => s.at)).toEqual([0, 0, 0, 500, 1000, 10_000, 10_000, 10_000, 10_500]);
  });

  it('each call sleeps at most once, however many wait: a busy process keeps the full rate', async () => {
    const p = paced(1000, 4);
    await Promise.all(Array.from({ length: 200 }, () => p.call('C1')));
    expect(p.sleeps).toHaveLength(196);
    expect(p.sent.at(-1)!.at).toBeCloseTo(196, 6); // 200 calls in 196 ms at 1,000 a second
  });

  it('refuses a rate or burst that cannot pace', () => {
    expect(() => new ChannelPacer(0, 4)).toThrow(/positive/);
    expect(() => new ChannelPacer(1, 0)).toThrow(/positive/);
  });
});
