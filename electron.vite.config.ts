/**
 * electron-vite builds three things into out/: main (Node, CommonJS), the preload (CommonJS — a
 * sandboxed preload cannot load ES modules) and the renderer (out/renderer, which the engine serves).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { devCspNonce, newDevNonce } from './scripts/dev-csp-nonce';

const root = import.meta.dirname;

export default defineConfig(({ command }) => {
  const devNonce = command === 'serve' ? newDevNonce() : undefined;
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
            // So does Kokoro (providers/tts/kokoro-host.ts).
            'kokoro-worker': resolve(root, 'src/main/engine/providers/tts/kokoro-worker.ts'),
            // And local Whisper (providers/stt/local.ts).
            'whisper-worker': resolve(root, 'src/main/engine/providers/stt/whisper-worker.ts'),
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
      // Test hooks only with DIALTONE_TEST_HOOKS=1 (the Electron E2E target needs them).
      define: { __DIALTONE_TEST_HOOKS__: JSON.stringify(process.env.DIALTONE_TEST_HOOKS === '1') },
      build: {
        outDir: resolve(root, 'out/renderer'),
        rolldownOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
      },
    },
  };
});
