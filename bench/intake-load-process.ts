/**
 * Figure 1's customers, in a process of their own (forked by bench/intake.ts), as Slack is outside
 * the bot: signing and sending the requests does not run on the bot's event loop. Keeps
 * `concurrency` messages in flight: each one is POSTed signed to the Slack endpoint, and the next
 * goes out once its 200 came back and the bot reported it done: a ticket opened, or for the
 * delivery reference the message handled (the parent forwards those signals as
 * `{ type: 'opened', n }`).
 */
import { customerMessage, postSigned } from './lib/slack.js';

export interface LoadRequest {
  type: 'run';
  endpoint: string;
  count: number;
  concurrency: number;
  /** Numbers the messages' texts from here (the warm-up and the measured run differ). */
  first: number;
  texts: string[];
  /**
   * Appends the message's number to its text, so that no two tickets read the same (default). The
   * small talk of the delivery reference goes out as written, or it would not be small talk.
   */
  numbered?: boolean;
}

/** Credits released by the bot's "ticket opened" signals. */
let credits = 0;
const waiting: Array<() => void> = [];
function release(n: number): void {
  for (let i = 0; i < n; i++) {
    const w = waiting.shift();
    if (w) w();
    else credits += 1;
  }
}
/**
 * A message whose ticket never opens (openTicket failed: the bot logs why) would hold its slot
 * forever; the figure fails instead once nothing has opened for this long.
 */
const STALL_MS = 60_000;
const opened = (): Promise<void> => {
  if (credits > 0) {
    credits -= 1;
    return Promise.resolve();
  }
  return new Promise((r, fail) => {
    const stalled = setTimeout(
      () =>
        fail(
          new Error(`no ticket opened for ${STALL_MS / 1000} s: openTicket is failing (see the bot's log)`),
        ),
      STALL_MS,
    );
    waiting.push(() => {
      clearTimeout(stalled);
      r();
    });
  });
};

/** Runs `count` messages with at most `concurrency` in flight; resolves with messages per second. */
async function run(r: LoadRequest): Promise<number> {
  const endpoint = new URL(r.endpoint);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: r.concurrency }, async () => {
      for (let i = next++; i < r.count; i = next++) {
        const n = r.first + i;
        const status = await postSigned(
          endpoint,
          customerMessage(
            r.numbered === false ? r.texts[n % r.texts.length]! : `${r.texts[n % r.texts.length]} (${n})`,
          ).body,
        );
        if (status !== 200) throw new Error(`endpoint answered ${status}`);
        await opened();
        if (i % 500 === 0) process.send?.({ type: 'progress', fraction: i / r.count });
      }
    }),
  );
  return r.count / ((performance.now() - started) / 1000);
}

process.on('message', (m: LoadRequest | { type: 'opened'; n: number }) => {
  if (m.type === 'opened') release(m.n);
  else
    run(m).then(
      (perSecond) => process.send?.({ type: 'done', perSecond }),
      (err: unknown) => process.send?.({ type: 'failed', error: String(err) }),
    );
});
// Never outlive the figure that forked it.
process.on('disconnect', () => process.exit(0));
process.send?.({ type: 'ready' });
