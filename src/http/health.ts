import type { Handler } from './server.js';
import { sendJson } from './server.js';

/** Liveness: the process serves requests. */
export const healthz: Handler = (_req, res) => sendJson(res, 200, { status: 'ok' });

/** Readiness: migrations applied and the database answers; 503 otherwise (load balancers drain us). */
export function readyz(check: () => Promise<{ ready: boolean; database: string; detail?: string }>): Handler {
  return async (_req, res) => {
    try {
      const r = await check();
      sendJson(res, r.ready ? 200 : 503, {
        status: r.ready ? 'ready' : 'not_ready',
        database: r.database,
        ...(r.detail ? { detail: r.detail } : {}),
      });
    } catch (e) {
      sendJson(res, 503, { status: 'not_ready', detail: (e as Error).message });
    }
  };
}
