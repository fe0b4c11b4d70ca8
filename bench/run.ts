/**
 * `npm run bench [-- --quick] [--json] [--database-url postgres://…] [--only intake,ack]`: measures tierdesk's seven
 * figures, each beside a ceiling or reference measured in the same run on the same machine, and
 * prints a table (or, with --json, one JSON object). Each figure runs in a process of its own; a
 * PostgreSQL URL (flag or DATABASE_URL) is used for a database per figure, created and dropped here.
 * Without one, the figures run on embedded PGlite.
 */
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { type FigureOptions, runFigure } from './lib/figure.js';
import { Progress, type Row, round, table } from './lib/report.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
    /** Comma-separated figure names (intake, sweep, pings, ack, memory, cold-start, burst): run only those. */
    only: { type: 'string' },
  },
});

interface Intake {
  count: number;
  concurrency: number;
  perSecond: number;
  ceilingPerSecond: number;
  /** The delivery reference: small talk through the same path, nothing opened. */
  deliveries: number;
  deliveryPerSecond: number;
  peakRssMb: number;
}
interface Sweep {
  small: number;
  large: number;
  msAtSmall: number;
  msAtLarge: number;
}
interface Pings {
  deadlines: number;
  windowMs: number;
  delivered: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seededLate: boolean;
}
interface Ack {
  rate: number;
  /** Events per round, to each app. */
  events: number;
  /** Alternating rounds (bare, bot); the figures are their medians. */
  rounds: number;
  p50Ms: number;
  p99Ms: number;
  bareP50Ms: number;
  bareP99Ms: number;
}
interface Memory {
  events: number;
  first: number;
  rssAtFirstMb: number;
  rssAtTotalMb: number;
  growthRatio: number;
  connectionResets: number;
}
interface ColdStart {
  runs: number;
  medianMs: number;
}
interface Burst {
  messages: number;
  channels: number;
  perSecond: number;
  channelRate: number;
  /** The busiest channel's messages ÷ SLACK_CHANNEL_RATE (ms). */
  floorMs: number;
  replied: number;
  p50Ms: number;
  p99Ms: number;
}

/** "No growth": RSS after the last mark within 10% of RSS after the first (GC noise). */
const GROWTH_TOLERANCE = 1.1;

const FIGURES = [
  ['cold start', '../cold-start.ts', 'cold-start'],
  ['intake', '../intake.ts', 'intake'],
  ['sweep', '../sweep.ts', 'sweep'],
  ['ping lateness', '../ping-lateness.ts', 'pings'],
  ['ack latency', '../ack.ts', 'ack'],
  ['memory', '../memory.ts', 'memory'],
  ['replies in a burst', '../burst.ts', 'burst'],
] as const;

/** The figures `--only` names (all when absent); an unknown name is an error, not a silent skip. */
function selectedFigures(only: string | undefined): ReadonlyArray<(typeof FIGURES)[number]> {
  if (!only) return FIGURES;
  const names = only
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const known: string[] = FIGURES.map((f) => f[2]);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0 || names.length === 0)
    throw new Error(
      `--only: unknown figure ${unknown.join(', ') || '(none given)'}; figures: ${known.join(', ')}`,
    );
  return FIGURES.filter((f) => names.includes(f[2]));
}

const count = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1000 ? `${n / 1000}k` : String(n));

async function serverVersion(url: string | undefined): Promise<string> {
  if (!url) return 'PGlite (embedded)';
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`show server_version`;
    return `PostgreSQL ${row!.server_version}`;
  } finally {
    await sql.end();
  }
}

async function main() {
  const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL ?? undefined;
  const opts: FigureOptions = { databaseUrl: databaseUrl || undefined, quick: values.quick };
  const figures = selectedFigures(values.only);
  const progress = new Progress(figures.length);
  const results: Record<string, unknown> = {};
  for (const [i, [label, file]] of figures.entries()) {
    progress.draw(i, 0, label);
    results[label] = await runFigure(file, opts, (f) => progress.draw(i, f, label));
  }
  progress.draw(figures.length, 0, 'done');
  progress.end();
  if (figures.length < FIGURES.length) {
    // A partial run has no report to compare against the targets: it prints each figure's raw result.
    console.log(JSON.stringify(results, null, values.json ? 0 : 2));
    return;
  }

  const intake = results.intake as Intake;
  const sweep = results.sweep as Sweep;
  const pings = results['ping lateness'] as Pings;
  const ack = results['ack latency'] as Ack;
  const memory = results.memory as Memory;
  const cold = results['cold start'] as ColdStart;
  const burst = results['replies in a burst'] as Burst;
  const report = {
    intake: {
      perSecond: round(intake.perSecond),
      ceilingPerSecond: round(intake.ceilingPerSecond),
      ratio: round(intake.perSecond / intake.ceilingPerSecond, 3),
      deliveryPerSecond: round(intake.deliveryPerSecond),
      deliveryRatio: round(intake.deliveryPerSecond / intake.ceilingPerSecond, 3),
      /** The target's ratio: intake ÷ the delivery alone (row 1′). */
      ratioToDelivery: round(intake.perSecond / intake.deliveryPerSecond, 3),
    },
    sweep: {
      msAt10k: round(sweep.msAtSmall, 3),
      msAt1M: round(sweep.msAtLarge, 3),
      ratio: round(sweep.msAtLarge / sweep.msAtSmall, 3),
    },
    pingLateness: { p50Ms: round(pings.p50Ms), p99Ms: round(pings.p99Ms) },
    ack: {
      p50Ms: round(ack.p50Ms, 2),
      p99Ms: round(ack.p99Ms, 2),
      bareP99Ms: round(ack.bareP99Ms, 2),
      ratio: round(ack.p99Ms / ack.bareP99Ms, 2),
    },
    memory: { peakRssMb: round(intake.peakRssMb), growthRatio: round(memory.growthRatio, 3) },
    coldStartMs: round(cold.medianMs, 0),
    burst: { p50Ms: round(burst.p50Ms, 0), p99Ms: round(burst.p99Ms, 0), floorMs: round(burst.floorMs, 0) },
    database: opts.databaseUrl ? ('postgres' as const) : ('pglite' as const),
  };
  if (values.json) {
    console.log(JSON.stringify(report));
    return;
  }
  const rows: Row[] = [
    {
      figure: `1 intake (${count(intake.count)} tickets, ${intake.concurrency} in flight)`,
      measured: `${report.intake.perSecond} tickets/s`,
      ceiling: `${report.intake.deliveryPerSecond} messages/s, row 1′ (ratio ${report.intake.ratioToDelivery})`,
      target: '≥ 0.5 × row 1′',
      met: report.intake.ratioToDelivery >= 0.5,
    },
    {
      figure: `1′ delivery alone (${count(intake.deliveries)} small talk, nothing opened)`,
      measured: `${report.intake.deliveryPerSecond} messages/s`,
      ceiling: `one-row insert ${report.intake.ceilingPerSecond}/s (ratios: 1 ${report.intake.ratio}, 1′ ${report.intake.deliveryRatio})`,
      target: 'reference',
      met: null,
    },
    {
      figure: `2 SLA tick, nothing due, ${count(sweep.large)} open`,
      measured: `${report.sweep.msAt1M} ms`,
      ceiling: `${report.sweep.msAt10k} ms at ${count(sweep.small)} (ratio ${report.sweep.ratio})`,
      target: `≤ 1.3 × ${count(sweep.small)} and ≤ 5 ms`,
      met: report.sweep.ratio <= 1.3 && report.sweep.msAt1M <= 5,
    },
    {
      figure: `3 ping lateness (${count(pings.deadlines)} deadlines in ${pings.windowMs / 1000} s)`,
      measured: `p50 ${report.pingLateness.p50Ms} ms, p99 ${report.pingLateness.p99Ms} ms`,
      ceiling: `${pings.delivered}/${pings.deadlines} delivered, max ${round(pings.maxMs)} ms${pings.seededLate ? ' (seeding overran!)' : ''}`,
      target: 'p99 ≤ 1500 ms',
      met: pings.delivered === pings.deadlines && report.pingLateness.p99Ms <= 1500,
    },
    {
      figure: `4 Slack ack (${ack.rate}/s, ${ack.rounds} × ${count(ack.events)} events)`,
      measured: `p50 ${report.ack.p50Ms} ms, p99 ${report.ack.p99Ms} ms`,
      ceiling: `bare Bolt p50 ${round(ack.bareP50Ms, 2)} ms, p99 ${report.ack.bareP99Ms} ms (ratio ${report.ack.ratio})`,
      target: 'p99 ≤ 20 ms and ≤ 1.5 × bare',
      met: report.ack.p99Ms <= 20 && report.ack.ratio <= 1.5,
    },
    {
      figure: '5a peak RSS during intake',
      measured: `${report.memory.peakRssMb} MB`,
      ceiling: '–',
      target: '≤ 200 MB',
      met: report.memory.peakRssMb <= 200,
    },
    {
      figure: `5b RSS after ${count(memory.events)} inbound events`,
      measured: `${round(memory.rssAtTotalMb)} MB`,
      ceiling: `${round(memory.rssAtFirstMb)} MB after ${count(memory.first)} (ratio ${report.memory.growthRatio})${memory.connectionResets ? `, ${memory.connectionResets} resets resent` : ''}`,
      target: `≤ 200 MB, no growth (≤ ${GROWTH_TOLERANCE}×)`,
      met: memory.rssAtTotalMb <= 200 && memory.growthRatio <= GROWTH_TOLERANCE,
    },
    {
      figure: '6 cold start (npm start → ready, PGlite, migrations)',
      measured: `${round(cold.medianMs / 1000, 2)} s`,
      ceiling: `median of ${cold.runs}`,
      target: '≤ 5 s',
      met: cold.medianMs <= 5000,
    },
    {
      figure: `7 replies in a burst (${burst.messages} messages, ${burst.channels} channels, ${burst.perSecond}/s)`,
      measured: `p50 ${round(burst.p50Ms / 1000)} s, p99 ${round(burst.p99Ms / 1000)} s`,
      ceiling: `pacing floor ${round(burst.floorMs / 1000)} s (${burst.messages / burst.channels} a channel ÷ ${burst.channelRate}/s), ${burst.replied}/${burst.messages} replied`,
      target: 'p99 ≤ floor + 2 s',
      met: burst.replied === burst.messages && burst.p99Ms <= burst.floorMs + 2000,
    },
  ];
  const machine = `${cpus().length} cores (${cpus()[0]?.model.trim()}), ${round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${await serverVersion(opts.databaseUrl)}${values.quick ? ', --quick sizes' : ''}`;
  console.log(`tierdesk benchmarks — ${report.database} — ${machine}\n`);
  console.log(table(rows));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
