import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLAIM_MS, writeInbox } from '../../src/app/intake/inbound-events.js';
import { normalizeText } from '../../src/domain/text.js';
import {
  eventCallback,
  FORM_CONTENT_TYPE,
  JSON_CONTENT_TYPE,
  postSigned,
  slashCommand,
} from '../fakes/slack/signed-request.js';
import { freshEventId, freshTs } from '../fakes/slack/slack-events.js';
import { TEST_DB_KIND } from '../support/database.js';
import { eventually } from '../support/eventually.js';
import { captureLog } from '../support/log-capture.js';
import {
  inesWrites,
  NORTHWIND_TEAM,
  SIGNING_SECRET,
  type SlackBot,
  startSlackBot,
  VENDOR_TEAM,
} from '../support/slack-bot.js';

const nowSec = () => Math.floor(Date.now() / 1000);
const SSO = 'Our SSO login fails with a SAML error for every admin';

/**
 * Slack's requests are signed, not trusted: every check here goes through the real Bolt path
 * (and, with `thread`, the real ingress in front of it), with requests signed as Slack signs them.
 */
describe.each(['inline', 'thread'] as const)(
  `untrusted Slack input, SLACK_INGRESS=%s (${TEST_DB_KIND})`,
  (mode) => {
    let bot: SlackBot;
    let dir: string;
    const log = captureLog('info');
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tierdesk-untrusted-'));
      bot = await startSlackBot(undefined, {
        logger: log.logger,
        ...(mode === 'thread' ? { ingressJournal: join(dir, 'slack.journal') } : {}),
      });
    });
    afterAll(async () => {
      await bot.close();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await bot.drained();
      await bot.app.reset();
      bot.fake.reset();
      bot.fake.addUser({ id: 'U0INESNW01', realName: 'Inés Alvarez', teamId: NORTHWIND_TEAM });
      log.lines.length = 0;
    });

    const signed = (body: string, opts: { timestampSec?: number } = {}) =>
      postSigned(bot.endpoint, body, JSON_CONTENT_TYPE, SIGNING_SECRET, opts);
    const tickets = () =>
      bot.app.rows<{ origin_message_id: string; description: string }>(
        'select origin_message_id, description from tickets order by id',
      );

    it('refuses a request dated more than 5 minutes ahead (401), as one 5 minutes old', async () => {
      const ts = freshTs();
      const body = eventCallback({
        teamId: VENDOR_TEAM,
        event: inesWrites(bot.fake, 'Exports fail since noon', ts),
      });
      const ahead = await signed(body, { timestampSec: nowSec() + 6 * 60 });
      expect(ahead.status).toBe(401);
      expect(await ahead.json()).toMatchObject({ message: 'the request is dated more than 5 minutes ahead' });
      // Within the window either way, a clock a little ahead of ours is fine.
      expect((await signed(body, { timestampSec: nowSec() + 4 * 60 })).status).toBe(200);
      await eventually(async () => expect(await tickets()).toHaveLength(1));
    });

    it('answers a signed body that is no Slack payload 400 at once, with the reason', async () => {
      for (const [body, reason] of [
        ['null', 'the body is not a JSON object'],
        ['[1,2,3]', 'the body is not a JSON object'],
        ['"hello"', 'the body is not a JSON object'],
        ['{"type":"event_callback","event_id":"Ev0NOEVENT","event":null}', 'an event_callback needs'],
        ['{"type":"something_else"}', 'not a Slack event, slash command or interaction'],
      ]) {
        const res = await signed(body!);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(((await res.json()) as { message: string }).message).toContain(reason);
      }
    });

    it('answers 400 what Bolt itself would trip on, event or interaction, and opens nothing', async () => {
      const event = () =>
        JSON.parse(eventCallback({ teamId: VENDOR_TEAM, event: inesWrites(bot.fake, SSO) }));
      const withEvent = (fields: Record<string, unknown>) => {
        const b = event();
        Object.assign(b.event, fields);
        return b;
      };
      const respondTo = bot.fake.responseUrl('x');
      const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      for (const [body, type, reason] of [
        [JSON.stringify({ ...event(), authorizations: [null] }), JSON_CONTENT_TYPE, 'authorizations'],
        [JSON.stringify(withEvent({ user: null })), JSON_CONTENT_TYPE, 'event.user'],
        [JSON.stringify(withEvent({ channel: null })), JSON_CONTENT_TYPE, 'event.channel'],
        [JSON.stringify(withEvent({ item: 5 })), JSON_CONTENT_TYPE, 'event.item'],
        ['command=%2Fticket&user_id=U0PRIYA001&channel_id=C0ENTENG01', FORM_CONTENT_TYPE, 'response_url'],
        [
          form({ type: 'block_actions', user: { id: 'U0PRIYA001' }, actions: [{ action_id: 'x' }] }),
          FORM_CONTENT_TYPE,
          'response_url',
        ],
        [
          form({ type: 'view_submission', user: { id: 'U0PRIYA001' }, view: null }),
          FORM_CONTENT_TYPE,
          'view',
        ],
        [
          form({
            type: 'block_actions',
            user: { id: 'U0PRIYA001' },
            team: 5,
            actions: [{ action_id: 'x' }],
            response_url: respondTo,
          }),
          FORM_CONTENT_TYPE,
          'team',
        ],
      ]) {
        const res = await postSigned(bot.endpoint, body!, type!, SIGNING_SECRET);
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(((await res.json()) as { message: string }).message).toContain(reason);
      }
      expect(await tickets()).toEqual([]);
    });

    it('drops at take-over a recorded event Bolt cannot read (let in before), instead of retrying it', async () => {
      const eventId = freshEventId();
      const event = { type: 'message', user: null, channel: 'C0NORTHWND', ts: freshTs(), text: SSO };
      const body = JSON.stringify({ type: 'event_callback', event_id: eventId, event });
      await writeInbox(
        bot.app.deps,
        'slack',
        [{ platform: 'slack', eventId, body, retryNum: null, retryReason: null }],
        [],
      );
      bot.app.clock.set(bot.app.clock.now() + CLAIM_MS + 1000);
      expect(await bot.adapter.inbox!.takeOver()).toBe(1);
      await eventually(async () => {
        const rows = await bot.app.rows(
          `select handled_at is not null as handled from inbox where event_id = '${eventId}'`,
        );
        expect(rows).toEqual([{ handled: true }]);
      });
    });

    it('answers an unknown slash command 400 at once, with the reason; a known one as before', async () => {
      const command = (name: string) =>
        postSigned(
          bot.endpoint,
          slashCommand({
            command: name,
            text: 'whoami',
            userId: 'U0PRIYA001',
            teamId: VENDOR_TEAM,
            channelId: 'C0ENTENG01',
            responseUrl: bot.fake.responseUrl('cmd'),
          }),
          FORM_CONTENT_TYPE,
          SIGNING_SECRET,
        );
      const unknown = await command('/nope');
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({ error: 'unhandled', message: 'tierdesk has no command /nope' });
      expect((await command('/support')).status).toBe(200);
    });

    it('refuses a message event without the fields a ticket needs: no ticket, a warning without its text', async () => {
      const secret = 'Confidential: our payroll export leaks salaries';
      const base = (ts: string) => inesWrites(bot.fake, secret, ts);
      const bad: Array<[Record<string, unknown>, string]> = [
        [{ ...base(freshTs()), ts: null }, 'ts'],
        [{ ...base(freshTs()), ts: 'yesterday' }, 'ts'],
        [{ ...base(freshTs()), channel: undefined }, 'channel'],
        [{ ...base(freshTs()), text: { bold: secret } }, 'text'],
        [{ ...base(freshTs()), thread_ts: 42 }, 'thread_ts'],
        [{ ...base(freshTs()), user: '' }, 'user'],
      ];
      for (const [event] of bad) expect((await bot.event(event)).status).toBe(200);
      await eventually(() => {
        const refused = log.find(/^slack: message event refused/);
        expect(refused.map((l) => l.field).sort()).toEqual(bad.map(([, field]) => field).sort());
        for (const l of refused) expect(l.level).toBe(40); // warn
      });
      // A good message after them opens the only ticket.
      const ts = freshTs();
      expect((await bot.event(inesWrites(bot.fake, 'Exports fail since noon', ts))).status).toBe(200);
      await eventually(async () => expect(await tickets()).toHaveLength(1));
      expect((await tickets())[0]!.origin_message_id).toBe(`C0NORTHWND:${ts}`);
      expect(log.lines.join('\n')).not.toContain('payroll');
    });

    it('a message with NUL and a lone surrogate still opens its ticket, its text normalised', async () => {
      const text = 'Login broken\u0000 since the update \ud83d and exports \udc00 too';
      const ts = freshTs();
      expect((await bot.event(inesWrites(bot.fake, text, ts))).status).toBe(200);
      await eventually(async () => expect(await tickets()).toHaveLength(1), 10_000);
      expect((await tickets())[0]!.description).toBe(normalizeText(text));
      expect(normalizeText(text)).toBe('Login broken since the update \ufffd and exports \ufffd too');
      await eventually(() =>
        expect(bot.fake.posted('C0NORTHWND').find((p) => p.message.thread_ts === ts)?.message.text).toMatch(
          /ticket #1\./,
        ),
      );
      // Slash command text too: a note with a NUL is kept, without it.
      const note = await bot.command('/ticket', 'note #1 checked\u0000 the logs', 'U0PRIYA001');
      expect(await note.reply()).toMatch(/has your note/);
      const notes = await bot.app.rows<{ text: string }>(
        "select text from ticket_messages where visibility = 'internal'",
      );
      expect(notes).toEqual([{ text: 'checked the logs' }]);
    });

    it('so does a message by someone whose Slack name holds them', async () => {
      bot.fake.addUser({ id: 'U0ODDNAME1', realName: 'Ana\u0000 Lima \ud83d', teamId: NORTHWIND_TEAM });
      const ts = freshTs();
      const event = { ...inesWrites(bot.fake, 'Exports fail since noon', ts), user: 'U0ODDNAME1' };
      expect((await bot.event(event)).status).toBe(200);
      await eventually(async () => expect(await tickets()).toHaveLength(1), 10_000);
      const [person] = await bot.app.rows<{ name: string }>(
        'select p.display_name as name from people p join tickets t on t.requester_id = p.id',
      );
      expect(person?.name).toBe('Ana Lima \ufffd');
    });
  },
);
