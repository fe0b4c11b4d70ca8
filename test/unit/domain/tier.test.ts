import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { type OrgFacts, resolveTier } from '../../../src/domain/tier.js';
import { makePolicy, makeTiers } from './policy-fixture.js';

const org = (patch: Partial<OrgFacts> = {}): OrgFacts => ({
  name: 'acme',
  contractValue: 0,
  monthlyUsage: 0,
  criticalityFlags: [],
  strategic: false,
  tierOverride: null,
  ...patch,
});

describe('resolveTier', () => {
  const policy = makePolicy();

  it('qualifies by contract value', () => {
    expect(resolveTier(policy, org({ contractValue: 250_000 }))).toEqual({
      tier: 'enterprise',
      reason: 'contract value 250,000 ≥ 100,000 (enterprise)',
    });
  });

  it('qualifies by monthly usage at exactly the threshold', () => {
    expect(resolveTier(policy, org({ monthlyUsage: 1_000_000 }))).toEqual({
      tier: 'enterprise',
      reason: 'monthly usage 1,000,000 ≥ 1,000,000 (enterprise)',
    });
  });

  it('qualifies by any criticality flag, case-insensitively', () => {
    const r = resolveTier(policy, org({ criticalityFlags: ['internal', 'Payments'] }));
    expect(r).toEqual({ tier: 'enterprise', reason: "criticality flag 'payments' (enterprise)" });
  });

  it('qualifies strategic accounts only where the tier asks for it', () => {
    expect(resolveTier(policy, org({ strategic: true }))).toEqual({
      tier: 'enterprise',
      reason: 'strategic account (enterprise)',
    });
    const noStrategic = makePolicy({
      tiers: makeTiers().map((t) =>
        t.name === 'enterprise' ? { ...t, criteria: { minContractValue: 100_000 } } : t,
      ),
    });
    expect(resolveTier(noStrategic, org({ strategic: true })).tier).toBe('starter');
  });

  it('lists every criterion met', () => {
    const r = resolveTier(policy, org({ contractValue: 500_000, strategic: true }));
    expect(r.reason).toBe('contract value 500,000 ≥ 100,000; strategic account (enterprise)');
  });

  it('falls through ranks to the first tier whose criteria match', () => {
    expect(resolveTier(policy, org({ contractValue: 99_999 }))).toEqual({
      tier: 'business',
      reason: 'contract value 99,999 ≥ 20,000 (business)',
    });
  });

  it('puts everyone else in the catch-all tier without criteria', () => {
    expect(resolveTier(policy, org({ contractValue: 10 }))).toEqual({
      tier: 'starter',
      reason: 'catch-all tier without criteria (starter)',
    });
  });

  it('sorts tiers by rank, not by listing order', () => {
    const shuffled = makePolicy({ tiers: makeTiers().reverse() });
    expect(resolveTier(shuffled, org({ contractValue: 250_000 })).tier).toBe('enterprise');
  });

  it('treats empty flags and strategic:false as no criteria', () => {
    const tiers = makeTiers().map((t) =>
      t.name === 'starter' ? { ...t, criteria: { criticalityFlags: [], strategic: false } } : t,
    );
    expect(resolveTier(makePolicy({ tiers }), org()).tier).toBe('starter');
  });

  it('falls back to the lowest-ranked tier when nothing matches', () => {
    const tiers = makeTiers().map((t) =>
      t.name === 'starter' ? { ...t, criteria: { minContractValue: 1_000 } } : t,
    );
    expect(resolveTier(makePolicy({ tiers }), org())).toEqual({
      tier: 'starter',
      reason: 'meets no tier criteria: lowest tier (starter)',
    });
  });

  it('lets a manual override win over every criterion', () => {
    expect(resolveTier(policy, org({ contractValue: 1_000_000, tierOverride: 'starter' }))).toEqual({
      tier: 'starter',
      reason: 'manual override (starter)',
    });
  });

  it('rejects an override naming an unknown tier', () => {
    const attempt = () => resolveTier(policy, org({ tierOverride: 'platinum' }));
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'unknown_tier' }));
  });
});
