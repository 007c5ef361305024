#!/usr/bin/env node
/**
 * `npm start`: build with electron-vite and open the Electron window — or, when Electron's runtime
 * cannot be had (first launch offline, no display) or DIALTONE_NO_ELECTRON=1, start web mode
 * (`bin/dialtone web`, which builds the renderer itself and prints its URL). Never a stack trace
 * for a missing runtime; the decision lives in electron-runtime.mjs, where it is tested.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chooseFrontEnd } from './electron-runtime.mjs';

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const choice = chooseFrontEnd({ projectRoot });
if (choice.mode === 'web') {
  if (choice.message) console.error(`\n${choice.message}\n`);
  const [command, ...webArgs] = webCommand();
  process.exitCode = await run(command, [...webArgs, 'web', ...args]);
} else {
  const electronVite = join(
    dirname(createRequire(join(projectRoot, 'package.json')).resolve('electron-vite/package.json')),
    'bin',
    'electron-vite.js',
  );
  const built = await run(process.execPath, [electronVite, 'build']);
  if (built !== 0) {
    console.error('npm start: the build failed (see above); the window was not opened.');
    process.exitCode = built;
  } else {
    // ELECTRON_RUN_AS_NODE left over in a shell would turn the app into a plain Node process.
    const { ELECTRON_RUN_AS_NODE: _asNode, ...env } = process.env;
    process.exitCode = await run(choice.executablePath, [projectRoot, ...args], { env });
  }
}

/** bin/dialtone, run the way its first line asks (so it also works where shebangs do not). */
function webCommand() {
  const bin = join(projectRoot, 'bin', 'dialtone');
  let firstLine = '';
  try {
    firstLine = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  } catch {
    // Missing: spawning it reports that in one line below.
  }
  if (/\bnode\b/.test(firstLine)) return [process.execPath, bin];
  if (process.platform === 'win32') return ['sh', bin];
  return [bin];
}

/**
 * Runs a child with this terminal, forwarding Ctrl+C / SIGTERM, and resolves with its exit code
 * (0 when it ended because we were asked to stop, so npm prints no error for a deliberate stop).
 */
function run(command, commandArgs, options = {}) {
  return new Promise((resolve) => {
    let stopRequested = false;
    const child = spawn(command, commandArgs, { stdio: 'inherit', ...options });
    const forward = (signal) => {
      stopRequested = true;
      if (child.exitCode === null) child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      console.error(`npm start: could not run ${command}: ${error.message}`);
      done(1);
    });
    child.on('exit', (code, signal) => done(stopRequested ? 0 : (code ?? (signal ? 1 : 0))));
  });
}
