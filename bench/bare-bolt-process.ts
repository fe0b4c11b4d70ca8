/**
 * The ceiling of the ack figure: a bare Bolt app with the same receiver as the Slack adapter
 * (SlackReceiver, same endpoint, answered at ack) on the same HTTP server module, whose listeners
 * acknowledge and do nothing. Forked by bench/ack.ts; sends its port when listening.
 */
import { App, LogLevel } from '@slack/bolt';
import { SLACK_ROUTE, SlackReceiver } from '../src/adapters/slack/receiver.js';
import { SLACK_EVENTS_PATH } from '../src/adapters/slack/slack-adapter.js';
import { createHttpServer } from '../src/http/server.js';
import { silentLogger } from '../src/ports/logger.js';
import { SIGNING_SECRET } from './lib/slack.js';

const receiver = new SlackReceiver({ signingSecret: SIGNING_SECRET, logger: silentLogger });
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
http.route('POST', SLACK_EVENTS_PATH, receiver.handle, SLACK_ROUTE);
const port = await http.listen(0, '127.0.0.1');
process.send?.({ type: 'ready', port });
process.on('disconnect', () => process.exit(0));
