/** `dialtone web`: the engine plus the built renderer on 127.0.0.1, for any browser. */
import { startEngine } from '../engine';
import { CliError, numberFlag, parse, say } from './args';
import { ensureWebBuild } from '../web/build';
import { USAGES } from './usage';

const USAGE = USAGES.web;

export async function webCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { port: { type: 'string' } }, USAGE);
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const port = numberFlag(values.port, 'port', 0, 65_535) ?? 0;
  const staticDir = await ensureWebBuild(say);
  const engine = await startEngine({ port, staticDir, env: process.env }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: pick another with --port`);
      throw err;
    },
  );
  process.stdout.write(`Dialtone web: ${engine.httpUrl}/?token=${engine.token}\n`);
  say('Open that address in a browser on this machine (the token is for this run only). Ctrl+C stops.');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void engine.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
