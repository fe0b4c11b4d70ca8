import { afterEach, describe, expect, it, vi } from 'vitest';
import { Backlog, MAX_HOLD_MS } from '../../../src/adapters/slack/ingress/backlog.js';

describe('ingress backlog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets answers go at once while the bot has room', async () => {
    const b = new Backlog(2);
    await b.room();
    b.opened(1);
    await b.room();
    b.opened(2);
    expect(b.size).toBe(2);
  });

  it('holds answers when full and lets one go per event the bot finishes', async () => {
    const b = new Backlog(2);
    b.opened(1);
    b.opened(2);
    const released: number[] = [];
    const held = [3, 4, 5].map((seq) =>
      b.room().then(() => {
        released.push(seq);
        b.opened(seq);
      }),
    );
    await Promise.resolve();
    expect(released).toEqual([]);
    b.settled(1);
    await Promise.resolve();
    expect(released).toEqual([3]);
    b.settled(1); // a repeated notice frees nothing
    b.settled(2);
    await Promise.resolve();
    expect(released).toEqual([3, 4]);
    b.settled(3);
    await Promise.all(held);
    expect(released).toEqual([3, 4, 5]);
  });

  it(`answers anyway after ${MAX_HOLD_MS} ms, before Slack would retry`, async () => {
    vi.useFakeTimers();
    const b = new Backlog(1);
    b.opened(1);
    let answered = false;
    const held = b.room().then(() => {
      answered = true;
    });
    await vi.advanceTimersByTimeAsync(MAX_HOLD_MS - 1);
    expect(answered).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await held;
    expect(answered).toBe(true);
  });
});
