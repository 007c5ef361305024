/**
 * The dialtone CLI. Contract (DESIGN.md): with --json a command prints exactly one JSON object on
 * stdout, last; human text goes to stderr; bad input is one line on stderr and a non-zero exit.
 */
import { LaneSpecError } from '../../shared/lane-spec';
import { CliError } from './args';
import { benchCommand } from './bench';
import { chatCommand } from './chat';
import { converseCommand } from './converse';
import { modelsCommand } from './models';
import { sayCommand } from './say';
import { simCommand } from './sim';
import { transcribeCommand } from './transcribe';
import { vadCommand } from './vad';
import { webCommand } from './web';

const COMMANDS: Record<string, { run: (argv: string[]) => Promise<void>; help: string }> = {
  sim: { run: simCommand, help: 'serve the simulated OpenAI-compatible backend' },
  chat: { run: chatCommand, help: 'one streamed reply from a lane, measured' },
  vad: { run: vadCommand, help: 'voiced segments of a WAV file (Silero VAD + the lane endpointer)' },
  transcribe: { run: transcribeCommand, help: 'speech-to-text of a WAV file (--stt SPEC, default local)' },
  say: { run: sayCommand, help: 'speak text into a WAV file, timed (--tts SPEC, default espeak)' },
  models: { run: modelsCommand, help: 'list or fetch downloadable models (list | fetch ID)' },
  web: { run: webCommand, help: 'the app in any browser (engine + renderer on 127.0.0.1)' },
  converse: { run: converseCommand, help: 'two bots talk on 1–4 lanes side by side (--scenario NAME)' },
  bench: { run: benchCommand, help: 'measure the token path and the client (figures for BENCHMARKS.md)' },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.help}`);
  return `usage: dialtone <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stderr.write(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`dialtone: unknown command "${name}"\n${usage()}`);
    return 1;
  }
  try {
    await command.run(rest);
    return 0;
  } catch (err) {
    if (err instanceof CliError || err instanceof LaneSpecError) {
      process.stderr.write(`dialtone ${name}: ${err.message}\n`);
      return 1;
    }
    // Not bad input but a fault of ours: still one readable line, with the detail on request.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`dialtone ${name}: ${message}\n`);
    if (process.env.DIALTONE_DEBUG) console.error(err);
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
