import { describe, expect, it } from 'vitest';
import { bearerMatches } from '../../../src/http/metrics.js';
import { escalationBuckets, targetBuckets } from '../../../src/metrics/buckets.js';
import { examplePolicy } from '../../support/app.js';

describe('bearerMatches', () => {
  const token = 'metrics-token-0123456789';
  it('takes the token after Bearer, the scheme in any case', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
  });
  it('refuses anything else: none, another token, a prefix, another scheme', () => {
    for (const h of [
      undefined,
      '',
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      `Basic ${token}`,
      token,
    ])
      expect(bearerMatches(h, token), String(h)).toBe(false);
  });
});

describe('histogram bounds from the example policy', () => {
  const policy = examplePolicy();
  it('first response: every tier target, in seconds, once', () => {
    // Enterprise 15/60/240/1440 min, Business 60/120/480/1440, Starter 240/480/960/1920.
    expect(targetBuckets(policy, (t) => t.firstResponseMinutes)).toEqual(
      [15, 60, 120, 240, 480, 960, 1440, 1920].map((m) => m * 60),
    );
  });
  it('page acknowledgement: where each chain pages again', () => {
    // enterprise-24x7: primary 10 min ×2 pages, secondary 10 ×2, lead 30 ×3 → 10, 20, 30, 40, 70, 100, 130;
    // business-hours: primary 20 ×2, lead 60 → 20, 40, 100; queue-lead: 120.
    expect(escalationBuckets(policy)).toEqual([10, 20, 30, 40, 70, 100, 120, 130].map((m) => m * 60));
  });
});
