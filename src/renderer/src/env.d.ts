/// <reference types="vite/client" />

/**
 * True only in test builds (vite.web.config.ts, electron.vite.config.ts): main.tsx then installs the
 * diagnostics the E2E suite and the browser benchmark read through `window` (src/renderer/src/testing/).
 */
declare const __DIALTONE_TEST_HOOKS__: boolean;
