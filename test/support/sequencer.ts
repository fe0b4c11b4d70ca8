import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest, most of it waiting for processes, leases and the bench: started
 * first, so that neither worker ends the run with one of them alone while the other is idle.
 * vitest orders files by their last durations once it has run them (node_modules/.vite/vitest);
 * on a fresh clone it has none and starts the biggest files first, and these are small ones.
 */
const LONGEST_FIRST = [
  'test/bench/bench-smoke.test.ts',
  'test/integration/slack-ingress.test.ts',
  'test/integration/durability.test.ts',
  'test/integration/discord-process.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/slack-process.test.ts',
];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const i = LONGEST_FIRST.indexOf(relative(f.project.config.root, f.moduleId));
      return i === -1 ? LONGEST_FIRST.length : i;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map((x) => x.f);
  }
}
