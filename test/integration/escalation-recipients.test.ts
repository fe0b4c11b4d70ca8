import { describe, expect, it } from 'vitest';
import { overrideOnCall } from '../../src/app/oncall/override-oncall.js';
import { loadRecipientBook } from '../../src/app/paging/escalation-recipients.js';
import { examplePolicy, useTestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

const app = useTestApp();

const T0 = Date.parse('2026-03-02T15:00:00Z'); // Mon 10:00 New York: jun's week on sre-primary begins

describe(`escalation recipients (${TEST_DB_KIND})`, () => {
  it("loads a chain's rotations, overrides, role members and everyone's accounts, and resolves each level", async () => {
    app.clock.set(T0);
    const chain = examplePolicy().escalationChains['enterprise-24x7']!;
    const override = await overrideOnCall(app.deps, {
      actor: { platform: 'slack', externalId: 'U0PRIYA001' },
      person: { platform: 'slack', externalId: 'U0LENA0001' },
      duration: '4h',
      rotation: 'sre-secondary',
    });
    expect(override.ok).toBe(true);
    const book = await app.deps.store.withoutTransaction((uow) => loadRecipientBook(uow, chain, T0));
    const [primary, secondary, lead] = chain.levels.map((l) => book.resolve(l.target, T0));
    expect(primary).toEqual([{ person: 'jun', reason: 'on call for sre-primary' }]);
    expect(secondary).toEqual([{ person: 'lena', reason: 'on call for sre-secondary (override)' }]);
    expect(lead).toEqual([{ person: 'dana', reason: 'lead' }]);
    // After the override ends, the rotation's own shift applies again.
    expect(book.resolve(chain.levels[1]!.target, T0 + 5 * 3_600_000)[0]?.reason).toBe(
      'on call for sre-secondary',
    );
    // Everyone the chain can reach has their accounts, the preferred platform first.
    expect(book.accounts('jun', 'discord')).toEqual([
      { platform: 'discord', userId: '1400000000000000003' },
      ...book.accounts('jun', 'slack').filter((a) => a.platform !== 'discord'),
    ]);
    expect(book.accounts('jun', 'slack')[0]).toEqual({ platform: 'slack', userId: 'U0JUN00001' });
    for (const handle of ['priya', 'marco', 'jun', 'lena', 'tomas', 'dana'])
      expect(book.accounts(handle, 'slack').length).toBe(3);
    expect(book.accounts('nobody', 'slack')).toEqual([]);
  });
});
