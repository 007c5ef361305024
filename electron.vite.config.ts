/**
 * electron-vite builds three things into out/: main (Node, CommonJS), the preload (CommonJS — a
 * sandboxed preload cannot load ES modules) and the renderer (out/renderer, which the engine serves).
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * `npm run dev` only. Vite injects inline scripts and styles (React Fast Refresh's preamble, CSS
 * through the HMR client), which the page's strict meta CSP refuses. Rather than loosen the policy,
 * the dev server tags what it injects with a per-run nonce and this plugin adds that nonce to the
 * meta CSP's script-src and style-src. Builds keep the policy exactly as written.
 */
function devCspNonce(nonce: string): Plugin {
  return {
    name: 'dialtone:dev-csp-nonce',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace(
        /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")/i,
        (_match, head: string, policy: string, tail: string) =>
          head +
          policy
            .split(';')
            .map((directive) =>
              /^\s*(script|style)-src\s/.test(directive)
                ? `${directive.trimEnd()} 'nonce-${nonce}'`
                : directive,
            )
            .join(';') +
          tail,
      );
    },
  };
}

export default defineConfig(({ command }) => {
  const devNonce = command === 'serve' ? randomBytes(16).toString('base64') : undefined;
  return {
    main: {
      build: {
        // Dependencies (ws, openai, zod, …) load from node_modules at run time.
        externalizeDeps: true,
        rolldownOptions: {
          input: {
            index: resolve(root, 'src/main/index.ts'),
            // espeak runs in a worker thread (providers/tts/espeak-host.ts looks for it beside index.js).
            'espeak-worker': resolve(root, 'src/main/engine/providers/tts/espeak-worker.ts'),
          },
        },
      },
    },
    preload: {
      build: {
        // A sandboxed preload can require only 'electron': bundle everything else into it.
        externalizeDeps: false,
        rolldownOptions: {
          input: { index: resolve(root, 'src/preload/index.ts') },
          output: { format: 'cjs' },
        },
      },
    },
    renderer: {
      root: resolve(root, 'src/renderer'),
      plugins: [react(), ...(devNonce ? [devCspNonce(devNonce)] : [])],
      ...(devNonce ? { html: { cspNonce: devNonce } } : {}),
      build: {
        outDir: resolve(root, 'out/renderer'),
        rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
      },
    },
  };
});
