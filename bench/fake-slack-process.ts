/** A fake Slack Web API in a process of its own (forked by the benchmarks), so it does not share the bot's event loop. */
import { FakeSlack } from '../test/fakes/slack/fake-slack.js';

const fake = await FakeSlack.start({ teamId: 'T0VENDOR01', botUserId: 'U0TIERDESK', botId: 'B0TIERDESK' });
process.send?.({ type: 'ready', url: fake.url });
// Never outlive the benchmark that forked it.
process.on('disconnect', () => process.exit(0));
let seen = 0;
let repliesSeen = 0;
process.on('message', (m: { type: string }) => {
  if (m.type === 'replies') {
    // Thread replies posted since the last request: where, in which thread, and when they arrived.
    const fresh = fake.calls.slice(repliesSeen);
    repliesSeen = fake.calls.length;
    const replies = fresh
      .filter((c) => c.method === 'chat.postMessage' && !c.fault && c.args.thread_ts)
      .map((c) => ({ channel: String(c.args.channel), threadTs: String(c.args.thread_ts), at: c.at }));
    process.send?.({ type: 'replies', replies });
  }
  if (m.type === 'pages') {
    // Only calls since the last request: re-sending them all would stall this process's event loop.
    const fresh = fake.calls.slice(seen);
    seen = fake.calls.length;
    const pages = fresh
      .filter((c) => c.method === 'chat.postMessage')
      .filter((c) => !c.fault)
      .map((c) => ({
        key: String((c.args.metadata as { event_payload?: { key?: string } })?.event_payload?.key ?? ''),
        text: String(c.args.text ?? ''),
        at: c.at,
      }))
      // A first page alone (esc:12:l0:a1:dm:jun), or several in one DM (pages:12:l0:a1,13:l0:a1:dm:jun).
      .filter((p) => /^(esc:\d+:l0:a1|pages:[\d:la,]+):dm:/.test(p.key));
    process.send?.({ type: 'pages', pages });
  }
  if (m.type === 'stop') void fake.close().then(() => process.exit(0));
});
