import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Thread priorities for the Slack ingress (Linux). A busy bot keeps both cores of a small machine
 * busy with its own work: Postgres round trips, cards, garbage collection. The ingress thread then
 * waits for a core before it can answer Slack, and its slowest answers come from that wait, not
 * from its own work. Lowering the priority (raising the nice value) of every other thread of the
 * process lets the ingress run first whenever it has something to answer; the rest of the time the
 * bot's threads have the cores as before. Lowering a priority needs no privilege; raising one back
 * does, so the ingress thread keeps its own and only the others are changed.
 *
 * Threads inherit the nice value of the thread that creates them, so threads the bot starts later
 * (libuv's pool grows on demand) run at the lowered priority too. Nice values only weigh threads
 * against others in the same CPU cgroup: in a container the bot's own threads compete with each
 * other this way, and no more than before with anything outside.
 */

/** The calling thread's kernel id, or null where there is no /proc (not Linux). */
export function currentThreadId(): number | null {
  try {
    const m = /\/task\/(\d+)$/.exec(readlinkSync('/proc/thread-self'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export interface Prioritized {
  /** Threads now running at the lowered priority. */
  lowered: number;
  /** The ingress thread's nice value afterwards: above 0 when it started lowered and could not be raised. */
  ingressNice: number;
}

/**
 * Gives every thread of this process except `keep` the nice value `nice` (threads already lower
 * stay as they are), and tries to bring `keep` back to 0 if it started lowered (a restarted
 * ingress is created by a lowered thread and inherits its nice value). Best effort: a thread that
 * ends meanwhile or a refusal is skipped. Null where threads cannot be listed (not Linux).
 */
export function prioritizeThread(keep: number, nice: number, tasks = '/proc/self/task'): Prioritized | null {
  let tids: number[];
  try {
    tids = readdirSync(tasks).map(Number);
  } catch {
    return null;
  }
  let lowered = 0;
  for (const tid of tids) {
    if (tid === keep) continue;
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
      lowered++;
    } catch {
      // the thread ended, or the kernel refused; it keeps its priority
    }
  }
  let ingressNice: number;
  try {
    ingressNice = getPriority(keep);
    if (ingressNice > 0) {
      setPriority(keep, 0);
      ingressNice = 0;
    }
  } catch {
    ingressNice = safePriority(keep);
  }
  return { lowered, ingressNice };
}

function safePriority(tid: number): number {
  try {
    return getPriority(tid);
  } catch {
    return 0;
  }
}
