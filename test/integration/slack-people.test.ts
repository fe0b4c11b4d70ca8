import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackPeople } from '../../src/adapters/slack/people.js';
import { silentLogger } from '../../src/ports/logger.js';
import { FakeSlack } from '../fakes/slack/fake-slack.js';

let fake: FakeSlack;
const client = () => fake.webClient();

beforeAll(async () => {
  fake = await FakeSlack.start({ teamId: 'T0ACME0001', botUserId: 'U0TIERBOT1', botId: 'B0TIERBOT1' });
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

describe('Slack user lookups (users.info against the fake Slack)', () => {
  it('a burst of one user’s events costs one users.info call, and later ones none', async () => {
    fake.addUser({
      id: 'U0DANA0001',
      name: 'dana',
      realName: 'Dana Li',
      teamId: 'T0OTHER001',
      isRestricted: true,
    });
    const people = new SlackPeople(client(), silentLogger);
    const facts = await Promise.all(Array.from({ length: 10 }, () => people.describe('U0DANA0001')));
    expect(facts).toEqual(Array.from({ length: 10 }, () => ({ name: 'Dana Li', guest: true })));
    expect(await people.describe('U0DANA0001')).toEqual({ name: 'Dana Li', guest: true });
    expect(fake.callsTo('users.info')).toHaveLength(1);
  });

  it('a user the API will not describe is a customer under their id, also looked up once', async () => {
    const people = new SlackPeople(client(), silentLogger);
    const facts = await Promise.all(Array.from({ length: 5 }, () => people.describe('U0NOBODY01')));
    expect(facts).toEqual(Array.from({ length: 5 }, () => ({ name: 'U0NOBODY01', guest: false })));
    await people.describe('U0NOBODY01');
    expect(fake.callsTo('users.info')).toHaveLength(1);
  });

  it('looks a user up again once the cached facts are older than the TTL', async () => {
    fake.addUser({ id: 'U0DANA0001', name: 'dana', realName: 'Dana Li' });
    const people = new SlackPeople(client(), silentLogger, 0);
    await people.describe('U0DANA0001');
    await people.describe('U0DANA0001');
    expect(fake.callsTo('users.info')).toHaveLength(2);
  });
});
