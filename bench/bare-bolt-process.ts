/**
 * The ceiling of the ack figure: a bare Bolt app with the same receiver as the Slack adapter
 * (HTTPReceiver, same endpoint, processBeforeResponse false) on the same HTTP server module, whose
 * listeners acknowledge and do nothing. Forked by bench/ack.ts; sends its port when listening.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { SLACK_EVENTS_PATH } from '../src/adapters/slack/slack-adapter.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/ports/logger.js';
import { SIGNING_SECRET } from './lib/slack.js';

const receiver = new HTTPReceiver({
  signingSecret: SIGNING_SECRET,
  endpoints: SLACK_EVENTS_PATH,
  processBeforeResponse: false,
  logLevel: LogLevel.ERROR,
});
const app = new App({
  token: 'xoxb-bench',
  botId: 'B0TIERDESK',
  botUserId: 'U0TIERDESK',
  ignoreSelf: true,
  receiver,
  logLevel: LogLevel.ERROR,
});
app.event('message', async () => {});
app.event('reaction_added', async () => {});
const http = createHttpServer(silentLogger);
http.route('POST', SLACK_EVENTS_PATH, receiver.requestListener);
const port = await http.listen(0, '127.0.0.1');
process.send?.({ type: 'ready', port });
process.on('disconnect', () => process.exit(0));
