import { formatProblem, loadPolicy } from '../config/policy.js';
import type { CliIo } from './io.js';

/** `tierdesk policy check FILE`: every problem as `file:line: path: message`, then a count. */
export function policyCheck(file: string, io: CliIo): number {
  const r = loadPolicy(file);
  if (r.ok) {
    const chains = Object.keys(r.policy.escalationChains).length;
    io.out(
      `${file}: ok (${r.policy.tiers.length} tiers, ${r.policy.queues.length} queues, ${chains} escalation chains)`,
    );
    return 0;
  }
  for (const p of r.problems) io.err(formatProblem(p));
  io.err(`${file}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`);
  return 1;
}
