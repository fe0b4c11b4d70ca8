import parsePrometheusTextFormat, {
  type ParsedFamily,
  type ParsedSample,
} from 'parse-prometheus-text-format';

export type { ParsedFamily, ParsedSample };

const HISTOGRAM_TYPE_LINE = /^# TYPE \S+ histogram$/;

/**
 * A scrape, parsed by a real Prometheus text-format parser (parse-prometheus-text-format).
 *
 * That parser (1.1.1, the latest) folds every series of a labelled histogram into one, dropping
 * their labels, sums and counts (its issue #13; the fix, its PR #8, was never merged). So the text
 * is parsed twice: as it is, for every family's name, type, help and the counters' and gauges'
 * samples; and with the histograms' TYPE lines left out, so the parser reads their `_bucket`,
 * `_sum` and `_count` lines as plain samples, labels and all, from which `histogram()` reads them.
 */
export class Scrape {
  readonly families: Map<string, ParsedFamily>;
  /** Every sample line, by the name it has in the text (`x_bucket`, `x_sum`, …) for histograms. */
  private readonly histogramLines = new Map<string, ParsedSample[]>();

  constructor(readonly text: string) {
    this.families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
    const untyped = text
      .split('\n')
      .filter((l) => !HISTOGRAM_TYPE_LINE.test(l))
      .join('\n');
    for (const f of parsePrometheusTextFormat(untyped))
      this.histogramLines.set(f.name, [...(this.histogramLines.get(f.name) ?? []), ...f.metrics]);
  }

  family(name: string): ParsedFamily {
    const f = this.families.get(name);
    if (!f) throw new Error(`no metric family ${name} in the scrape`);
    return f;
  }

  /** The sample of `name` whose labels include `labels`; undefined when there is none. */
  sample(name: string, labels: Record<string, string> = {}): ParsedSample | undefined {
    return this.families.get(name)?.metrics.find((m) => matches(m, labels));
  }

  /** A counter's or gauge's value (0 when the series does not exist yet). */
  value(name: string, labels: Record<string, string> = {}): number {
    return Number(this.sample(name, labels)?.value ?? 0);
  }

  /** Label sets of a histogram's series (without `le`). */
  histogramSeries(name: string): Array<Record<string, string>> {
    return (this.histogramLines.get(`${name}_count`) ?? []).map((m) => ({ ...m.labels }));
  }

  /** A histogram series: its count, sum and cumulative buckets by bound (all 0 when absent). */
  histogram(name: string, labels: Record<string, string> = {}) {
    if (this.family(name).type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
    const one = (suffix: string) =>
      Number(this.histogramLines.get(`${name}${suffix}`)?.find((m) => matches(m, labels))?.value ?? 0);
    const buckets: Record<string, number> = {};
    for (const m of this.histogramLines.get(`${name}_bucket`) ?? [])
      if (matches(m, labels) && m.labels?.le !== undefined) buckets[m.labels.le] = Number(m.value);
    return { count: one('_count'), sum: one('_sum'), buckets };
  }

  /** Every label name used by the families whose name starts with `prefix` (histograms: `le` too). */
  labelNames(prefix = ''): Set<string> {
    const names = new Set<string>();
    for (const [name, samples] of this.histogramLines)
      if (name.startsWith(prefix))
        for (const m of samples) for (const k of Object.keys(m.labels ?? {})) names.add(k);
    return names;
  }

  /** Every label value used by the families whose name starts with `prefix`. */
  labelValues(prefix = ''): Set<string> {
    const values = new Set<string>();
    for (const [name, samples] of this.histogramLines)
      if (name.startsWith(prefix))
        for (const m of samples) for (const v of Object.values(m.labels ?? {})) values.add(v);
    return values;
  }
}

function matches(m: ParsedSample, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([k, v]) => m.labels?.[k] === v);
}
