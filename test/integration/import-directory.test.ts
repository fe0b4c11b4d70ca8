import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDirectory, syncPolicyRotations } from '../../src/app/directory/import-directory.js';
import { loadImport, parseImport } from '../../src/config/import-file.js';
import { createTestApp, EXAMPLE_DIRECTORY, type TestApp } from '../support/app.js';
import { TEST_DB_KIND } from '../support/database.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app.db.drop();
});

const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['organizations', 'channel_links', 'people', 'identities', 'skills', 'oncall_rotations'].map(
        async (t) => [t, Number((await app.rows<{ n: string }>(`select count(*) as n from ${t}`))[0]!.n)],
      ),
    ),
  );

describe(`import directory (${TEST_DB_KIND})`, () => {
  it('resolves each organization tier from the policy criteria, with the reason', async () => {
    const orgs = await app.rows<{ name: string; tier: string; tier_reason: string }>(
      'select name, tier, tier_reason from organizations order by name',
    );
    expect(orgs.map((o) => [o.name, o.tier])).toEqual([
      ['Globex Logistics', 'business'],
      ['Initech Studio', 'starter'],
      ['Northwind Bank', 'enterprise'],
    ]);
    expect(orgs.find((o) => o.name === 'Northwind Bank')?.tier_reason).toMatch(/contract value 420,000/);
  });

  it('is idempotent: importing the same file again changes nothing', async () => {
    const before = await counts();
    expect(before).toMatchObject({ organizations: 3, channel_links: 8, people: 10 });
    const data = loadImport(EXAMPLE_DIRECTORY, app.deps.policy);
    if (!data.ok) throw new Error('invalid');
    const r = await importDirectory(app.deps, data.value);
    expect(r.ok).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('writes nothing when a row fails', async () => {
    const before = await counts();
    const text = [
      'organizations:',
      '  - name: Brand New Co',
      '    contractValue: 10',
      'people:',
      '  - handle: ghost',
      '    name: Ghost',
      '    organization: Nowhere Inc',
      '    roles: [customer]',
    ].join('\n');
    const parsed = parseImport(text, 'bad.yaml', app.deps.policy);
    if (!parsed.ok) throw new Error('should parse');
    const r = await importDirectory(app.deps, parsed.value);
    expect(r.ok ? null : r.error.message).toMatch(/people\[0\]\.organization: organization "Nowhere Inc"/);
    expect(await counts()).toEqual(before);
    expect(await app.rows("select id from organizations where name = 'Brand New Co'")).toEqual([]);
  });

  it('syncs the policy rotations into the store', async () => {
    const r = await syncPolicyRotations(app.deps);
    expect(r).toEqual({ ok: true, value: 2 });
    const rows = await app.rows<{ name: string; source: string }>(
      'select name, source from oncall_rotations order by name',
    );
    expect(rows).toEqual([
      { name: 'sre-primary', source: 'policy' },
      { name: 'sre-secondary', source: 'policy' },
    ]);
  });
});
