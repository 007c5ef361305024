/**
 * Electron entry. Thin on purpose: the app's lifecycle lives in ./electron/app, the product in the
 * engine (plain Node, shared with web mode and the CLI).
 */
import { join } from 'node:path';
import { runDialtoneApp } from './electron/app';

// electron-vite emits out/main/index.js, out/preload/index.js and out/renderer/.
void runDialtoneApp({
  preloadPath: join(__dirname, '../preload/index.js'),
  rendererDir: join(__dirname, '../renderer'),
});
