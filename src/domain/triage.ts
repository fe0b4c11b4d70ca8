import { type Policy, PRIORITIES, type Priority, priorityIndex, type TierPolicy } from './policy.js';

/** What triage reads: the customer's message, the organization's critical systems and its tier. */
export interface TriageInput {
  text: string;
  /** Names of systems the organization marked business-critical, e.g. `payments api`. */
  criticalSystems: string[];
  tier: TierPolicy;
}

/** Priority and domain of a message, with the reasons stored on the ticket. */
export interface TriageResult {
  priority: Priority;
  domain: string;
  reasons: string[];
}

/** One compiled keyword or pattern; `term` is how reasons quote it. */
interface Matcher {
  kind: 'keyword' | 'pattern';
  term: string;
  re: RegExp;
}

interface CompiledRule<T> {
  value: T;
  matchers: Matcher[];
}

interface CompiledTriage {
  priorityRules: Array<CompiledRule<Priority>>;
  domainRules: Array<CompiledRule<string>>;
}

const cache = new WeakMap<Policy, CompiledTriage>();

/** `s` as a literal inside a regular expression. */
export const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A case-insensitive whole-word (or whole-phrase) matcher. Lookarounds instead of `\b`, so keywords
 * that start or end with punctuation ("c++", ".net") still need a non-word neighbour, and runs of
 * whitespace inside a phrase match any whitespace ("payments  api", a line break).
 */
function phraseRegex(phrase: string): RegExp | null {
  const words = phrase.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  const body = words.map(escapeRegex).join('\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?![\\p{L}\\p{N}_])`, 'iu');
}

/** Policy validation rejects invalid patterns, but a bad one must never crash triage: skip it. */
function patternRegex(source: string): RegExp | null {
  try {
    return new RegExp(source, 'iu');
  } catch {
    return null;
  }
}

function compileMatchers(keywords: string[], patterns: string[]): Matcher[] {
  const out: Matcher[] = [];
  for (const k of keywords) {
    const re = phraseRegex(k);
    if (re) out.push({ kind: 'keyword', term: k.trim().toLowerCase(), re });
  }
  for (const p of patterns) {
    const re = patternRegex(p);
    if (re) out.push({ kind: 'pattern', term: p, re });
  }
  return out;
}

function compile(policy: Policy): CompiledTriage {
  let compiled = cache.get(policy);
  if (!compiled) {
    compiled = {
      priorityRules: policy.triage.priorityRules.map((r) => ({
        value: r.priority,
        matchers: compileMatchers(r.keywords, r.patterns),
      })),
      domainRules: policy.domains.map((d) => ({
        value: d.name,
        matchers: compileMatchers(d.keywords, d.patterns),
      })),
    };
    cache.set(policy, compiled);
  }
  return compiled;
}

/** Distinct matchers that hit (a keyword listed twice counts once). */
function hits(matchers: Matcher[], text: string): Matcher[] {
  const seen = new Set<string>();
  return matchers.filter((m) => {
    const key = `${m.kind}:${m.term}`;
    if (seen.has(key) || !m.re.test(text)) return false;
    seen.add(key);
    return true;
  });
}

/** "keyword 'outage'", "keywords 'sso', 'saml'", "keyword 'down', pattern /5\d\d/". */
function describeHits(found: Matcher[]): string {
  const keywords = found.filter((m) => m.kind === 'keyword').map((m) => `'${m.term}'`);
  const patterns = found.filter((m) => m.kind === 'pattern').map((m) => `/${m.term}/`);
  const parts: string[] = [];
  if (keywords.length > 0)
    parts.push(`${keywords.length === 1 ? 'keyword' : 'keywords'} ${keywords.join(', ')}`);
  if (patterns.length > 0)
    parts.push(`${patterns.length === 1 ? 'pattern' : 'patterns'} ${patterns.join(', ')}`);
  return parts.join(', ');
}

/** The most urgent matching priority rule; among equally urgent ones the first listed. */
function mostUrgentRule(
  rules: Array<CompiledRule<Priority>>,
  text: string,
): { value: Priority; found: Matcher[] } | null {
  let best: { value: Priority; found: Matcher[] } | null = null;
  for (const rule of rules) {
    if (best !== null && priorityIndex(rule.value) >= priorityIndex(best.value)) continue;
    const found = hits(rule.matchers, text);
    if (found.length > 0) best = { value: rule.value, found };
  }
  return best;
}

function basePriority(policy: Policy, text: string, reasons: string[]): Priority {
  const rule = mostUrgentRule(compile(policy).priorityRules, text);
  if (!rule) {
    reasons.push(`no priority rule matched → default ${policy.triage.defaultPriority}`);
    return policy.triage.defaultPriority;
  }
  reasons.push(`${describeHits(rule.found)} → ${rule.value}`);
  return rule.value;
}

function boostForCriticalSystem(
  policy: Policy,
  input: TriageInput,
  p: Priority,
  reasons: string[],
): Priority {
  const system = input.criticalSystems.find((s) => phraseRegex(s)?.test(input.text) ?? false);
  if (system === undefined) return p;
  const boost = policy.triage.criticalSystemBoost;
  const raised = PRIORITIES[Math.max(0, priorityIndex(p) - boost)] ?? p;
  const named = `names critical system '${system.trim()}'`;
  if (raised === p) reasons.push(`${named} (already ${p}${boost === 0 ? ', no boost configured' : ''})`);
  else reasons.push(`${named} → raised to ${raised}`);
  return raised;
}

function capToEntitlement(tier: TierPolicy, p: Priority, reasons: string[]): Priority {
  const highest = tier.entitlements.highestPriority;
  if (priorityIndex(p) >= priorityIndex(highest)) return p;
  reasons.push(`capped at ${highest}: the ${tier.name} tier is entitled to ${highest} at most (was ${p})`);
  return highest;
}

function chooseDomain(policy: Policy, text: string, reasons: string[]): string {
  let best: { value: string; found: Matcher[] } | null = null;
  for (const rule of compile(policy).domainRules) {
    const found = hits(rule.matchers, text);
    // Strict `>`: on a tie the rule listed first keeps the win.
    if (found.length > (best?.found.length ?? 0)) best = { value: rule.value, found };
  }
  if (!best) {
    reasons.push(`no domain rule matched → default ${policy.triage.defaultDomain}`);
    return policy.triage.defaultDomain;
  }
  reasons.push(`${describeHits(best.found)} → ${best.value}`);
  return best.value;
}

/**
 * Classifies an inbound message: priority (rules → critical-system boost → tier cap) and domain
 * (most distinct keyword/pattern hits, ties to the first-listed domain).
 *
 * Keywords are case-insensitive whole words or phrases taken literally (regex metacharacters in them
 * mean themselves); patterns are case-insensitive regular expressions. Compiled regexes are cached
 * per policy object, so pass the same (frozen) policy to reuse them.
 */
export function triage(policy: Policy, input: TriageInput): TriageResult {
  const reasons: string[] = [];
  let priority = basePriority(policy, input.text, reasons);
  priority = boostForCriticalSystem(policy, input, priority, reasons);
  priority = capToEntitlement(input.tier, priority, reasons);
  const domain = chooseDomain(policy, input.text, reasons);
  return { priority, domain, reasons };
}
