import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { PACKAGE_ROOT } from '../../config/env.js';

/** From the package root, so it holds for the sources and for the compiled dist/ alike. */
const WEB = `${resolve(PACKAGE_ROOT, 'src/adapters/sandbox/web')}/`;

export interface SandboxAssets {
  html: string;
  css: string;
  js: string;
}

/** Bundles the browser client (TypeScript → one ES module) in memory; nothing comes from the internet. */
export async function buildSandboxAssets(): Promise<SandboxAssets> {
  const [html, css, out] = await Promise.all([
    readFile(`${WEB}index.html`, 'utf8'),
    readFile(`${WEB}styles.css`, 'utf8'),
    build({
      entryPoints: [`${WEB}app.ts`],
      bundle: true,
      write: false,
      format: 'esm',
      target: 'es2022',
      platform: 'browser',
      sourcemap: 'inline',
      logLevel: 'silent',
    }),
  ]);
  return { html, css, js: out.outputFiles[0]!.text };
}
