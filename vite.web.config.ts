/**
 * The renderer as a plain web app (web mode: `bin/dialtone web` serves out/web). The same
 * src/renderer/index.html is the electron-vite renderer entry.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { devCspNonce, newDevNonce } from './scripts/dev-csp-nonce';

/**
 * A build is always a production build, even when started from a test run: NODE_ENV=test would
 * select React's development JSX and bundle, and out/web is reused by `bin/dialtone web`. Vite reads
 * NODE_ENV after loading this config (its documented place to set it); it is restored afterwards.
 */
function productionBuild(): Plugin {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  const restore = (): void => {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  };
  return {
    name: 'dialtone-production-build',
    apply: 'build',
    closeBundle: restore,
    buildEnd: (err) => err && restore(),
  };
}

export default defineConfig(({ command }) => {
  const devNonce = command === 'serve' ? newDevNonce() : undefined;
  return {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [react(), ...(devNonce ? [devCspNonce(devNonce)] : [productionBuild()])],
    ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
    // See src/renderer/src/env.d.ts: false unless DIALTONE_TEST_HOOKS=1, so `npm run build:web` and
    // `bin/dialtone web` ship no test hooks; src/main/web/build.ts turns it on for the test build.
    define: { __DIALTONE_TEST_HOOKS__: JSON.stringify(process.env.DIALTONE_TEST_HOOKS === '1') },
    build: {
      outDir: resolve(__dirname, 'out/web'),
      emptyOutDir: true,
      target: 'es2022',
    },
  };
});
