import type { JournalEntry } from './journal.js';

/** The ingress worker's workerData (it stays in memory: never in argv, env or a log). */
export interface IngressConfig {
  type: 'config';
  port: number;
  host: string;
  signingSecret: string;
  journalPath: string;
  upstream: { host: string; port: number };
  logLevel: string;
}

/** Bot → ingress. */
export type ToIngress =
  /** Entry `seq` is committed to the inbox table; the journal may drop it. */
  | { type: 'committed'; seq: number }
  /**
   * The bot has committed entry `seq` and finished handling it (or given it up to a later
   * take-over): it leaves the backlog.
   */
  | { type: 'settled'; seq: number }
  /** Stop taking requests, wait for confirmations, exit. */
  | { type: 'stop' };

/** Ingress → bot. */
export type FromIngress =
  /** `tid`: the ingress thread's kernel id (Linux), for its priority. */
  | { type: 'ready'; port: number; tid: number | null }
  | { type: 'failed'; message: string }
  | ({ type: 'event' } & JournalEntry);
