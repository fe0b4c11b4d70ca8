import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB = fileURLToPath(new URL('./web/', import.meta.url));

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
