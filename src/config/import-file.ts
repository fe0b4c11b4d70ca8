import type { Policy, RotationPolicy } from '../domain/policy.js';
import { type ImportFile, importFileSchema } from './import-schema.js';
import { type FileResult, parseYamlWith, type RawIssue, readTextFile } from './yaml-file.js';

export interface DirectoryImport {
  organizations: ImportFile['organizations'];
  people: ImportFile['people'];
  rotations: RotationPolicy[];
}

function checkAgainstPolicy(policy: Policy, f: ImportFile): RawIssue[] {
  const issues: RawIssue[] = [];
  const tiers = new Set(policy.tiers.map((t) => t.name));
  const domains = new Set(policy.domains.map((d) => d.name));
  const seenOrgs = new Set<string>();
  const seenChannels = new Set<string>();
  f.organizations.forEach((o, i) => {
    if (seenOrgs.has(o.name))
      issues.push({ path: ['organizations', i, 'name'], message: `organization "${o.name}" appears twice` });
    seenOrgs.add(o.name);
    if (o.tierOverride && !tiers.has(o.tierOverride))
      issues.push({
        path: ['organizations', i, 'tierOverride'],
        message: `tier "${o.tierOverride}" is not in the policy`,
      });
    o.channels.forEach((c, j) => {
      const key = `${c.platform}:${c.channel}`;
      if (seenChannels.has(key))
        issues.push({ path: ['organizations', i, 'channels', j], message: `channel ${key} is linked twice` });
      seenChannels.add(key);
      if (c.tierOverride && !tiers.has(c.tierOverride))
        issues.push({
          path: ['organizations', i, 'channels', j, 'tierOverride'],
          message: `tier "${c.tierOverride}" is not in the policy`,
        });
    });
  });
  const handles = new Set<string>();
  f.people.forEach((p, i) => {
    if (handles.has(p.handle))
      issues.push({ path: ['people', i, 'handle'], message: `handle "${p.handle}" appears twice` });
    handles.add(p.handle);
    p.skills.forEach((s, j) => {
      if (!domains.has(s.domain))
        issues.push({
          path: ['people', i, 'skills', j, 'domain'],
          message: `domain "${s.domain}" is not in the policy (${[...domains].join(', ')})`,
        });
      s.tiers.forEach((t, k) => {
        if (!tiers.has(t))
          issues.push({
            path: ['people', i, 'skills', j, 'tiers', k],
            message: `tier "${t}" is not in the policy`,
          });
      });
    });
  });
  for (const name of Object.keys(f.rotations))
    if (policy.rotations[name])
      issues.push({
        path: ['rotations', name],
        message: `rotation "${name}" is defined in the policy file; change it there`,
      });
  return issues;
}

/** Parses an import file against the policy in force; every problem has its line and path. */
export function parseImport(text: string, file: string, policy: Policy): FileResult<DirectoryImport> {
  return parseYamlWith(
    text,
    file,
    importFileSchema,
    (f) => checkAgainstPolicy(policy, f),
    (f) => ({
      organizations: f.organizations,
      people: f.people,
      rotations: Object.entries(f.rotations).map(([name, r]) => ({ name, ...r })),
    }),
  );
}

export function loadImport(file: string, policy: Policy): FileResult<DirectoryImport> {
  const text = readTextFile(file);
  return text.ok ? parseImport(text.value, file, policy) : text;
}
