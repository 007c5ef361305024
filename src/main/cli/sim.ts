/** `dialtone sim`: the simulated OpenAI-compatible backend, standalone, for any client. */
import { startSimServer } from '../engine/sim/server';
import { CliError, numberFlag, parse, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.sim;

export async function simCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      port: { type: 'string' },
      tps: { type: 'string' },
      ttft: { type: 'string' },
      jitter: { type: 'string' },
      'reasoning-tokens': { type: 'string' },
      seed: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const defaults = {
    tps: numberFlag(values.tps, 'tps', 1, 100_000),
    ttftMs: numberFlag(values.ttft, 'ttft', 0, 120_000),
    jitter: numberFlag(values.jitter, 'jitter', 0, 1),
    reasoningTokens: numberFlag(values['reasoning-tokens'], 'reasoning-tokens', 0, 100_000),
    seed: numberFlag(values.seed, 'seed', 0, 2 ** 31),
  };
  const port = numberFlag(values.port, 'port', 0, 65_535) ?? 8787;
  const sim = await startSimServer({
    port,
    defaults: Object.fromEntries(Object.entries(defaults).filter(([, v]) => v !== undefined)),
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: pick another with --port`);
    throw err;
  });
  process.stdout.write(`listening ${sim.url}\n`);
  say('Simulated backend: any OpenAI client works with this base URL and any API key. Ctrl+C stops it.');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void sim.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
