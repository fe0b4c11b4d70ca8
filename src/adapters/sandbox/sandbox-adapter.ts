import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AppDeps } from '../../app/deps.js';
import { importDirectory } from '../../app/directory/import-directory.js';
import { loadImport } from '../../config/import-file.js';
import { formatProblem } from '../../config/policy.js';
import { type Handler, sendJson } from '../../http/server.js';
import type { ChatAdapter } from '../../ports/adapter.js';
import type { OffsetClock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { SandboxRepository } from '../../ports/sandbox.js';
import { sandboxApi } from './api.js';
import { buildSandboxAssets, type SandboxAssets } from './client-bundle.js';
import { SandboxDelivery } from './delivery.js';
import { SandboxHub } from './hub.js';

export interface SandboxSettings {
  /** Directory file imported when the database has no organizations yet; null: none. */
  seedFile: string | null;
  /** Fast-forward allowed: only when the sandbox is the only chat platform. */
  clockControllable: boolean;
}

export interface SandboxContext {
  deps: AppDeps;
  /** The sandbox's own tables. */
  sandbox: SandboxRepository;
  logger: Logger;
  /** The app's clock; the sandbox moves it forward when `clockControllable`. */
  clock: OffsetClock;
  wake: () => void;
}

function send(res: ServerResponse, type: string, body: string): void {
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'content-security-policy':
      "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:",
  });
  res.end(body);
}

/** The browser sandbox: a chat workspace served by the bot itself, behind the same ports as Slack and Discord. */
export function createSandboxAdapter(settings: SandboxSettings, ctx: SandboxContext): ChatAdapter {
  const store = ctx.sandbox;
  const hub = new SandboxHub();
  const delivery = new SandboxDelivery(store, hub, ctx.clock);
  let assets: SandboxAssets | null = null;

  const api = sandboxApi({
    deps: ctx.deps,
    store,
    hub,
    logger: ctx.logger,
    wake: ctx.wake,
    policy: ctx.deps.policy,
    clock: { instance: ctx.clock, controllable: settings.clockControllable, advanced: ctx.wake },
  });

  const page: Handler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || !assets)
      return sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
    if (path === '/' || path === '/sandbox') return send(res, 'text/html', assets.html);
    if (path === '/sandbox/app.js') return send(res, 'text/javascript', assets.js);
    if (path === '/sandbox/styles.css') return send(res, 'text/css', assets.css);
    return sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${path}` });
  };

  async function seed(): Promise<void> {
    const file = settings.seedFile;
    if (!file || (await store.hasOrganizations())) return;
    if (!existsSync(file)) {
      ctx.logger.warn({ file }, 'sandbox seed file not found; the sandbox starts empty');
      return;
    }
    const data = loadImport(file, ctx.deps.policy);
    if (!data.ok) {
      for (const p of data.problems) ctx.logger.warn({ problem: p }, formatProblem(p));
      ctx.logger.warn({ file }, 'the sandbox seed does not fit the policy; the sandbox starts empty');
      return;
    }
    const r = await importDirectory(ctx.deps, data.value);
    if (r.ok) ctx.logger.info({ file, ...r.value }, 'sandbox seeded from the directory file');
    else ctx.logger.warn({ file, error: r.error.message }, 'sandbox seed failed');
  }

  return {
    delivery,
    mount(http) {
      http.mount('/sandbox/api', api);
      http.mount('/sandbox', page);
      http.mount('/', page);
    },
    async start() {
      ctx.clock.offsetMs = settings.clockControllable ? await store.clockOffset() : 0;
      await seed();
      assets = await buildSandboxAssets();
    },
    async stop() {
      hub.close();
    },
  };
}
