/** `dialtone web`: the engine plus the built renderer on 127.0.0.1, for any browser. */
import { DEFAULT_ENGINE_PORT, startEngine } from '../engine';
import { loadViewerToken } from '../engine/viewer-token';
import { CliError, numberFlag, parse, say } from './args';
import { ensureWebBuild } from '../web/build';
import { USAGES } from './usage';

const USAGE = USAGES.web;

export async function webCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { port: { type: 'string' } }, USAGE);
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const chosen = numberFlag(values.port, 'port', 0, 65_535);
  // Without --port the same port every run, so the overlay URL set up in OBS keeps working.
  const port = chosen ?? DEFAULT_ENGINE_PORT;
  const staticDir = await ensureWebBuild(say);
  const engine = await startEngine({
    port,
    portFallback: chosen === undefined,
    staticDir,
    env: process.env,
    viewerToken: loadViewerToken(process.env),
    persistSettings: true,
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') {
      throw new CliError(
        chosen === undefined
          ? `${err.message}: pick a free port with --port`
          : `port ${port} is in use: pick another with --port`,
      );
    }
    throw err;
  });
  if (engine.portTakenFallback !== null) {
    say(
      `Port ${engine.portTakenFallback} is in use (another Dialtone?): using ${engine.port} instead. ` +
        'The overlay URL differs from the usual one for this run; free the port to get it back.',
    );
  }
  process.stdout.write(`Dialtone web: ${engine.httpUrl}/?token=${engine.token}\n`);
  process.stdout.write(`Dialtone overlay: ${engine.overlayUrl}\n`);
  say('Open the web address in a browser on this machine (its token is for this run only). Ctrl+C stops.');
  say('The overlay address is read-only and stays the same on every run: add it to OBS as a browser source.');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void engine.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
