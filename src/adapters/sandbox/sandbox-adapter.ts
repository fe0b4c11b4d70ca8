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

  /** A page or asset of the sandbox; the bundle is built at start(), so a request before it waits. */
  const asset =
    (type: string, pick: (a: SandboxAssets) => string): Handler =>
    (_req, res) => {
      if (!assets)
        return sendJson(res, 503, { error: 'starting', message: 'the sandbox is starting; try again' });
      send(res, type, pick(assets));
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
      for (const r of api) http.route(r.method, r.path, r.handler, r.options);
      for (const path of ['/', '/sandbox'])
        http.route(
          'GET',
          path,
          asset('text/html', (a) => a.html),
        );
      http.route(
        'GET',
        '/sandbox/app.js',
        asset('text/javascript', (a) => a.js),
      );
      http.route(
        'GET',
        '/sandbox/styles.css',
        asset('text/css', (a) => a.css),
      );
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
