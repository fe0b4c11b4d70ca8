#!/usr/bin/env node
// `npm start` needs no build step: the sources are compiled once into dist/ by esbuild when they
// change (see build.js) and run as plain JavaScript. TIERDESK_TSX=1 runs them through tsx instead.
if (process.env.TIERDESK_TSX === '1') {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  process.setSourceMapsEnabled(true); // stack traces point into src/, not dist/
  const { compiledEntry } = await import('./build.js');
  const { main } = await import(await compiledEntry());
  process.exitCode = await main(process.argv.slice(2));
}
