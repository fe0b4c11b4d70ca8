/** Terminal output of the benchmark: a progress bar while it runs, then one table of figures. */

export interface Row {
  figure: string;
  measured: string;
  ceiling: string;
  target: string;
  met: boolean | null;
}

/** A one-line progress bar on stderr, redrawn in place when stderr is a terminal. */
export class Progress {
  private last = '';
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(
    private readonly total: number,
    private readonly width = 28,
  ) {}

  /** `step`: figures finished; `fraction`: how far the current figure is (0..1). */
  draw(step: number, fraction: number, label: string): void {
    const done = Math.min(1, (step + Math.max(0, Math.min(1, fraction))) / this.total);
    const full = Math.round(done * this.width);
    const bar = `[${'#'.repeat(full)}${'-'.repeat(this.width - full)}] ${String(Math.round(done * 100)).padStart(3)}% ${label}`;
    if (bar === this.last) return;
    this.last = bar;
    if (this.tty) process.stderr.write(`\r\x1b[2K${bar}`);
    else if (fraction === 0) process.stderr.write(`${bar}\n`);
  }

  end(): void {
    if (this.tty) process.stderr.write('\r\x1b[2K');
  }
}

/** Fixed-width text table with a header rule. */
export function table(rows: Row[]): string {
  const head = ['figure', 'measured', 'ceiling / reference', 'target', 'met'];
  const cells = rows.map((r) => [
    r.figure,
    r.measured,
    r.ceiling,
    r.target,
    r.met === null ? '–' : r.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

/** Percentile of an ascending array (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
