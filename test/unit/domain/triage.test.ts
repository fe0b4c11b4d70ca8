import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Policy, priorityIndex } from '../../../src/domain/policy.js';
import { triage } from '../../../src/domain/triage.js';
import { makePolicy, tierOf } from './policy-fixture.js';

const policy = makePolicy();
const enterprise = tierOf(policy, 'enterprise');
const run = (text: string, criticalSystems: string[] = [], p: Policy = policy, tier = enterprise) =>
  triage(p, { text, criticalSystems, tier });

describe('triage: priority', () => {
  it('matches keywords case-insensitively and says which', () => {
    const r = run('Total OUTAGE since 10:00');
    expect(r.priority).toBe('P1');
    expect(r.reasons).toContain("keyword 'outage' → P1");
  });

  it('matches whole words only', () => {
    expect(run('the shutdown script lives downtown').priority).toBe('P3');
    expect(run('sp1 and p10 are part numbers').priority).toBe('P3');
    expect(run('this is P1!').priority).toBe('P1');
  });

  it('matches hyphenated keywords and multi-word phrases across whitespace', () => {
    expect(run('Declaring a SEV-1 now').priority).toBe('P1');
    expect(run('sev-12 is a ticket number').priority).toBe('P3');
    expect(run('we see data\n  loss in reports').reasons).toContain("keyword 'data loss' → P1");
    expect(run('a database loss').priority).toBe('P3');
  });

  it('matches patterns as case-insensitive regexes', () => {
    const r = run('We get 503 ERRORS on checkout');
    expect(r.priority).toBe('P1');
    expect(r.reasons).toContain('pattern /\\b5\\d\\d errors?\\b/ → P1');
  });

  it('lets the most urgent matching rule win, whatever the rule order', () => {
    const reversed = makePolicy();
    reversed.triage.priorityRules.reverse();
    for (const p of [policy, reversed]) {
      const r = run('question: is the outage over? the export is broken too', [], p);
      expect(r.priority).toBe('P1');
      expect(r.reasons[0]).toBe("keyword 'outage' → P1");
    }
  });

  it('lists all hits of the winning rule', () => {
    expect(run('outage: site down').reasons[0]).toBe("keywords 'outage', 'down' → P1");
  });

  it('falls back to the default priority', () => {
    const r = run('hello there');
    expect(r.priority).toBe('P3');
    expect(r.reasons).toContain('no priority rule matched → default P3');
  });

  it('raises the priority when a critical system is named', () => {
    const r = run('the payments api is degraded', ['Payments API']);
    expect(r.priority).toBe('P1');
    expect(r.reasons).toEqual([
      "keyword 'degraded' → P2",
      "names critical system 'Payments API' → raised to P1",
      'no domain rule matched → default general',
    ]);
    expect(run('question about payments api', ['payments api']).priority).toBe('P3');
  });

  it('never raises above P1, and honours a larger boost', () => {
    const r = run('payments api outage', ['payments api']);
    expect(r.priority).toBe('P1');
    expect(r.reasons).toContain("names critical system 'payments api' (already P1)");
    const boost2 = makePolicy();
    boost2.triage.criticalSystemBoost = 2;
    expect(run('payments api question', ['payments api'], boost2).priority).toBe('P2');
  });

  it('does not boost on a partial system name', () => {
    expect(run('payments apiary', ['payments api']).priority).toBe('P3');
  });

  it('caps the priority at the tier entitlement and says so', () => {
    const starter = tierOf(policy, 'starter');
    const r = run('outage!', [], policy, starter);
    expect(r.priority).toBe('P2');
    expect(r.reasons).toContain('capped at P2: the starter tier is entitled to P2 at most (was P1)');
    expect(run('payments api is broken', ['payments api'], policy, starter).priority).toBe('P2');
  });

  it('skips an invalid pattern instead of crashing', () => {
    const bad = makePolicy();
    bad.triage.priorityRules[0]?.patterns.push('(unclosed');
    expect(() => run('(unclosed outage', [], bad)).not.toThrow();
    expect(run('(unclosed outage', [], bad).priority).toBe('P1');
  });

  it('never exceeds the tier cap and never throws, whatever the text', () => {
    const starter = tierOf(policy, 'starter');
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string()), (text, systems) => {
        const r = run(text, systems, policy, starter);
        expect(priorityIndex(r.priority)).toBeGreaterThanOrEqual(priorityIndex('P2'));
        expect(r.reasons.length).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});

describe('triage: domain', () => {
  it('picks the domain with the most distinct hits and quotes them', () => {
    const r = run('SSO login via SAML fails');
    expect(r.domain).toBe('security');
    expect(r.reasons).toContain("keywords 'sso', 'saml' → security");
  });

  it('counts patterns as hits', () => {
    const r = run('Webhook latency is 900 ms');
    expect(r.domain).toBe('performance');
    expect(r.reasons).toContain("keyword 'latency', pattern /\\d+\\s?ms\\b/ → performance");
  });

  it('counts a repeated keyword once', () => {
    expect(run('webhook webhook webhook, slow latency').domain).toBe('performance');
  });

  it('breaks ties in favour of the domain listed first', () => {
    expect(run('sso webhook').domain).toBe('security');
    const swapped = makePolicy();
    swapped.domains = [...swapped.domains].reverse();
    expect(run('sso webhook', [], swapped).domain).toBe('integrations');
  });

  it('falls back to the default domain', () => {
    const r = run('hello');
    expect(r.domain).toBe('general');
    expect(r.reasons).toContain('no domain rule matched → default general');
  });

  it('takes regex metacharacters in keywords literally', () => {
    const p = makePolicy();
    p.domains.unshift({
      name: 'sdk',
      label: 'SDK',
      keywords: ['c++', '.net', 'a.b', '(beta)'],
      patterns: [],
    });
    expect(run('our C++ client crashes', [], p).domain).toBe('sdk');
    expect(run('the .NET sdk', [], p).domain).toBe('sdk');
    expect(run('we use (beta) builds', [], p).domain).toBe('sdk');
    expect(run('ccc and cxx and axb', [], p).domain).toBe('general');
  });

  it('reuses compiled rules for the same policy object and handles a frozen policy', () => {
    const frozen = Object.freeze(makePolicy());
    const first = triage(frozen, { text: 'saml outage', criticalSystems: [], tier: enterprise });
    const second = triage(frozen, { text: 'saml outage', criticalSystems: [], tier: enterprise });
    expect(second).toEqual(first);
  });
});
