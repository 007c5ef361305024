/**
 * The renderer as a plain web app (web mode: `bin/dialtone web` serves out/web). The same
 * src/renderer/index.html is the electron-vite renderer entry.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * `vite serve` only. The dev server injects inline scripts and styles (React refresh, CSS hot
 * reload), which the page's strict CSP refuses. Rather than loosen the policy, they are tagged with a
 * per-run nonce that this plugin adds to script-src and style-src (as electron.vite.config.ts does).
 * Builds keep the policy exactly as written.
 */
function devCspNonce(nonce: string): Plugin {
  return {
    name: 'dialtone:dev-csp-nonce',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(
        /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i,
        (_m, head: string, policy: string, tail: string) =>
          head +
          policy
            .split(';')
            .map((d) => (/^\s*(script|style)-src\s/.test(d) ? `${d.trimEnd()} 'nonce-${nonce}'` : d))
            .join(';') +
          tail,
      );
    },
  };
}

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
  const devNonce = command === 'serve' ? randomBytes(16).toString('base64') : undefined;
  return {
    root: resolve(__dirname, 'src/renderer'),
    base: './',
    plugins: [react(), ...(devNonce ? [devCspNonce(devNonce)] : [productionBuild()])],
    ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
    build: {
      outDir: resolve(__dirname, 'out/web'),
      emptyOutDir: true,
      target: 'es2022',
    },
  };
});
