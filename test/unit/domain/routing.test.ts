import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import type { QueuePolicy } from '../../../src/domain/policy.js';
import { type Candidate, chooseQueue, rankSpecialists } from '../../../src/domain/routing.js';
import { makePolicy } from './policy-fixture.js';

const policy = makePolicy();

const queue = (name: string, patch: Partial<QueuePolicy>): QueuePolicy => ({
  name,
  label: name,
  channels: {},
  domains: ['*'],
  tiers: [],
  priorities: [],
  timezone: 'UTC',
  digestAt: null,
  ...patch,
});

describe('chooseQueue', () => {
  it('prefers a queue naming the domain over an earlier "*" queue', () => {
    const r = chooseQueue(policy, { tier: 'enterprise', domain: 'security', priority: 'P1' });
    expect(r.queue.name).toBe('security');
    expect(r.reasons).toEqual(['domain security → security queue', 'security serves all tiers']);
  });

  it('respects tier filters of explicit queues', () => {
    const r = chooseQueue(policy, { tier: 'business', domain: 'performance', priority: 'P3' });
    expect(r.queue.name).toBe('platform');
    expect(r.reasons).toContain('tier business served by platform');
    const starter = chooseQueue(policy, { tier: 'starter', domain: 'performance', priority: 'P3' });
    expect(starter.queue.name).toBe('general');
    expect(starter.reasons[0]).toBe(
      'no performance queue takes tier starter at P3; general serves all domains',
    );
  });

  it('respects priority filters', () => {
    expect(chooseQueue(policy, { tier: 'business', domain: 'billing', priority: 'P2' }).queue.name).toBe(
      'billing',
    );
    const p1 = chooseQueue(policy, { tier: 'business', domain: 'billing', priority: 'P1' });
    expect(p1.queue.name).toBe('general');
  });

  it('takes the first "*" queue that accepts tier and priority', () => {
    const r = chooseQueue(policy, { tier: 'enterprise', domain: 'billing', priority: 'P1' });
    expect(r.queue.name).toBe('sev1');
    expect(r.reasons).toContain('tier enterprise served by sev1');
    expect(r.reasons).toContain('priority P1 served by sev1');
  });

  it('falls back to the last "*" queue when no queue accepts the ticket', () => {
    const p = makePolicy({
      queues: [
        queue('first-star', { tiers: ['enterprise'] }),
        queue('security', { domains: ['security'], tiers: ['enterprise'] }),
        queue('last-star', { priorities: ['P1'] }),
      ],
    });
    const r = chooseQueue(p, { tier: 'starter', domain: 'security', priority: 'P4' });
    expect(r.queue.name).toBe('last-star');
    expect(r.reasons).toEqual([
      'no queue serves domain security for tier starter at P4',
      'fell back to catch-all queue last-star',
    ]);
  });

  it('throws not_found when nothing matches and no queue serves "*"', () => {
    const p = makePolicy({ queues: [queue('security', { domains: ['security'] })] });
    const attempt = () => chooseQueue(p, { tier: 'starter', domain: 'billing', priority: 'P3' });
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

const cand = (handle: string, patch: Partial<Candidate> = {}): Candidate => ({
  handle,
  skills: [{ domain: 'security', level: 3, tiers: [] }],
  openLoad: 0,
  available: true,
  ...patch,
});

describe('rankSpecialists', () => {
  const t = { tier: 'enterprise', domain: 'security' };

  it('ranks qualified before unqualified, then level, load and handle', () => {
    const ranked = rankSpecialists(
      [
        cand('zed', { skills: [{ domain: 'security', level: 5, tiers: ['starter'] }] }),
        cand('bea', { openLoad: 2 }),
        cand('abe', { openLoad: 2 }),
        cand('cat', { openLoad: 1 }),
        cand('dan', {
          skills: [{ domain: 'security', level: 4, tiers: ['enterprise', 'business'] }],
          openLoad: 9,
        }),
      ],
      t,
    );
    expect(ranked.map((r) => r.handle)).toEqual(['dan', 'cat', 'abe', 'bea', 'zed']);
    expect(ranked[0]).toEqual({
      handle: 'dan',
      score: 14,
      reasons: ['security level 4', 'qualified for enterprise', '9 open tickets'],
    });
    expect(ranked[1]?.reasons).toEqual(['security level 3', 'qualified for enterprise', '1 open ticket']);
    expect(ranked[4]).toEqual({
      handle: 'zed',
      score: 5,
      reasons: ['security level 5', 'not qualified for enterprise', '0 open tickets'],
    });
  });

  it('leaves out unavailable people and people without the domain', () => {
    const ranked = rankSpecialists(
      [
        cand('away', { available: false }),
        cand('billing-only', { skills: [{ domain: 'billing', level: 5, tiers: [] }] }),
        cand('here'),
      ],
      t,
    );
    expect(ranked.map((r) => r.handle)).toEqual(['here']);
  });

  it('uses the best qualified skill when a person has several in the domain', () => {
    const [r] = rankSpecialists(
      [
        cand('multi', {
          skills: [
            { domain: 'security', level: 5, tiers: ['starter'] },
            { domain: 'security', level: 2, tiers: ['enterprise'] },
          ],
        }),
      ],
      t,
    );
    expect(r?.reasons).toEqual(['security level 2', 'qualified for enterprise', '0 open tickets']);
  });

  it('ranks the same people identically in any input order', () => {
    const people = [
      cand('a', { openLoad: 1 }),
      cand('b', { openLoad: 1 }),
      cand('c', { skills: [{ domain: 'security', level: 5, tiers: [] }] }),
      cand('d', { skills: [{ domain: 'security', level: 5, tiers: ['business'] }] }),
      cand('e', { openLoad: 0 }),
    ];
    const expected = rankSpecialists(people, t);
    fc.assert(
      fc.property(fc.shuffledSubarray(people, { minLength: people.length }), (shuffled) => {
        expect(rankSpecialists(shuffled, t)).toEqual(expected);
      }),
    );
  });
});
