import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImport, parseImport } from '../../../src/config/import-file.js';
import { formatProblem, loadPolicy } from '../../../src/config/policy.js';
import type { FileProblem } from '../../../src/config/yaml-file.js';
import type { Policy } from '../../../src/domain/policy.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DIRECTORY = resolve(ROOT, 'policy/example-directory.yaml');
const directoryText = readFileSync(DIRECTORY, 'utf8');

let policy: Policy;
beforeAll(() => {
  const r = loadPolicy(resolve(ROOT, 'policy/example.yaml'));
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
  policy = r.policy;
});

/** The example directory with each `[from, to]` applied; `from` must occur exactly once. */
function mutate(...edits: Array<[string, string]>): string {
  let text = directoryText;
  for (const [from, to] of edits) {
    expect(text.split(from).length, `"${from}" occurs exactly once`).toBe(2);
    text = text.replace(from, to);
  }
  return text;
}

/** 1-based line of the nth (1-based) line of `text` containing `needle`. */
function lineOf(text: string, needle: string, nth = 1): number {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  expect(hits.length).toBeGreaterThanOrEqual(nth);
  return hits[nth - 1]!;
}

function problemsOf(text: string): FileProblem[] {
  const r = parseImport(text, 'dir.yaml', policy);
  if (r.ok) throw new Error('expected the import to be rejected');
  return r.problems;
}

const rotation = (name: string) =>
  `rotations:\n  ${name}:\n    timezone: UTC\n    shiftHours: 24\n    handoff: "09:00"\n    startDate: "2026-01-05"\n    members: [sam, dana]\n`;

describe('the shipped example directory', () => {
  it('parses against the example policy', () => {
    const r = loadImport(DIRECTORY, policy);
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    const { organizations, people, rotations } = r.value;
    expect(organizations.map((o) => o.name)).toEqual([
      'Northwind Bank',
      'Globex Logistics',
      'Initech Studio',
    ]);
    expect(organizations[1]).toMatchObject({ strategic: false, tierOverride: null, criticalityFlags: [] });
    expect(people).toHaveLength(10);
    expect(people.find((p) => p.handle === 'priya')?.skills).toEqual([
      { domain: 'security', level: 5, tiers: ['enterprise', 'business'] },
      { domain: 'integrations', level: 3, tiers: [] },
    ]);
    expect(people.find((p) => p.handle === 'ines.northwind')?.identities[0]).toEqual({
      platform: 'slack',
      id: 'U0INESNW01',
      workspace: 'T0NORTHWND',
    });
    expect(rotations).toEqual([]);
  });

  it('turns a rotation of its own into a named rotation', () => {
    const r = parseImport(`${directoryText}\n${rotation('weekend-desk')}`, 'dir.yaml', policy);
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.value.rotations).toEqual([
      expect.objectContaining({ name: 'weekend-desk', members: ['sam', 'dana'], overrides: [] }),
    ]);
  });
});

describe('an invalid import', () => {
  it('names a skill in an unknown domain', () => {
    const text = mutate(['{ domain: integrations, level: 3 }', '{ domain: quantum, level: 3 }']);
    expect(problemsOf(text)).toEqual([
      {
        file: 'dir.yaml',
        line: lineOf(text, 'domain: quantum'),
        path: 'people[0].skills[1].domain',
        message: expect.stringContaining('domain "quantum" is not in the policy'),
      },
    ]);
  });

  it('names an unknown tier override, of an organization, a channel or a skill', () => {
    const text = mutate(
      ['    contractValue: 60000\n', '    contractValue: 60000\n    tierOverride: platinum\n'],
      [
        '{ platform: slack, channel: C0INITECH1 }',
        '{ platform: slack, channel: C0INITECH1, tierOverride: gold }',
      ],
      [
        '{ domain: performance, level: 5, tiers: [enterprise] }',
        '{ domain: performance, level: 5, tiers: [vip] }',
      ],
    );
    expect(problemsOf(text).map(formatProblem)).toEqual([
      `dir.yaml:${lineOf(text, 'tierOverride: platinum')}: organizations[1].tierOverride: tier "platinum" is not in the policy`,
      `dir.yaml:${lineOf(text, 'tierOverride: gold')}: organizations[2].channels[0].tierOverride: tier "gold" is not in the policy`,
      `dir.yaml:${lineOf(text, 'tiers: [vip]')}: people[1].skills[0].tiers[0]: tier "vip" is not in the policy`,
    ]);
  });

  it('names a duplicate handle at its second occurrence', () => {
    const text = mutate(['  - handle: sam\n', '  - handle: jun\n']);
    expect(problemsOf(text)).toEqual([
      {
        file: 'dir.yaml',
        line: lineOf(text, 'handle: jun', 2),
        path: 'people[5].handle',
        message: 'handle "jun" appears twice',
      },
    ]);
  });

  it('names a bad email', () => {
    const text = mutate(['email: marco@tierdesk.example', 'email: marco-at-tierdesk']);
    expect(problemsOf(text)).toEqual([
      {
        file: 'dir.yaml',
        line: lineOf(text, 'marco-at-tierdesk'),
        path: 'people[1].email',
        message: expect.stringMatching(/email/i),
      },
    ]);
  });

  it('names a rotation that the policy file defines', () => {
    const text = `${directoryText}\n${rotation('sre-primary')}`;
    expect(problemsOf(text)).toEqual([
      {
        file: 'dir.yaml',
        // A map-valued path points at the map's first line: the one after the key.
        line: lineOf(text, '  sre-primary:') + 1,
        path: 'rotations.sre-primary',
        message: 'rotation "sre-primary" is defined in the policy file; change it there',
      },
    ]);
  });

  it('lists every problem of a file at once', () => {
    const text = `${mutate(
      ['{ domain: integrations, level: 3 }', '{ domain: quantum, level: 3 }'],
      ['    contractValue: 60000\n', '    contractValue: 60000\n    tierOverride: platinum\n'],
      ['  - handle: sam\n', '  - handle: jun\n'],
      ['- name: Initech Studio', '- name: Globex Logistics'],
      ['{ platform: slack, channel: C0INITECH1 }', '{ platform: slack, channel: C0GLOBEX01 }'],
    )}\n${rotation('sre-secondary')}`;
    expect(problemsOf(text).map((p) => `${p.line}: ${p.path}`)).toEqual([
      `${lineOf(text, 'tierOverride: platinum')}: organizations[1].tierOverride`,
      `${lineOf(text, 'name: Globex Logistics', 2)}: organizations[2].name`,
      `${lineOf(text, 'channel: C0GLOBEX01', 2)}: organizations[2].channels[0]`,
      `${lineOf(text, 'domain: quantum')}: people[0].skills[1].domain`,
      `${lineOf(text, 'handle: jun', 2)}: people[5].handle`,
      `${lineOf(text, '  sre-secondary:') + 1}: rotations.sre-secondary`,
    ]);
  });

  it('lists every schema problem at once, with lines', () => {
    const text = mutate(
      ['email: marco@tierdesk.example', 'email: nope'],
      ['    roles: [agent]\n', '    roles: [janitor]\n'],
      ['{ domain: security, level: 4 }', '{ domain: security, level: 9 }'],
    );
    expect(problemsOf(text).map((p) => `${p.line}: ${p.path}`)).toEqual([
      `${lineOf(text, 'email: nope')}: people[1].email`,
      `${lineOf(text, 'roles: [janitor]')}: people[5].roles[0]`,
      `${lineOf(text, 'level: 9')}: people[6].skills[0].level`,
    ]);
  });

  it('reports a YAML syntax error under "(yaml)" and a missing file as "file not found"', () => {
    expect(problemsOf(mutate(['    name: Jun Watanabe\n', '    name: "Jun Watanabe\n']))[0]).toMatchObject({
      path: '(yaml)',
    });
    const missing = loadImport(resolve(ROOT, 'test/fixtures/imports/missing.yaml'), policy);
    expect(missing.ok ? [] : missing.problems.map((p) => [p.path, p.message])).toEqual([
      ['(file)', 'file not found'],
    ]);
  });
});
