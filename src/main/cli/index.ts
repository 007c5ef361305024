/**
 * The dialtone CLI. Contract (README.md, "The CLI"): with --json a command prints exactly one JSON object on
 * stdout, last; human text goes to stderr; bad input is one line on stderr and a non-zero exit.
 * Every line this file writes goes through the one redaction path: no key or URL password is printed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LaneSpecError } from '../../shared/lane-spec';
import { redact } from '../../shared/redact';
import { CliError } from './args';
import { USAGES, type CommandName } from './usage';
import { errorMessage } from '../engine/errors';

type Run = (argv: string[]) => Promise<void>;

/** Loaded on use: `--help` and a typo answer at once, and `chat` does not load the bench's browser. */
const COMMANDS: Record<CommandName, { help: string; load: () => Promise<Run> }> = {
  sim: {
    help: 'serve the simulated OpenAI-compatible backend',
    load: async () => (await import('./sim')).simCommand,
  },
  chat: {
    help: 'one streamed reply from a lane, measured',
    load: async () => (await import('./chat')).chatCommand,
  },
  vad: {
    help: 'voiced segments of a WAV file (Silero VAD + the lane endpointer)',
    load: async () => (await import('./vad')).vadCommand,
  },
  transcribe: {
    help: 'speech-to-text of a WAV file (--stt SPEC, default local)',
    load: async () => (await import('./transcribe')).transcribeCommand,
  },
  say: {
    help: 'speak text into a WAV file, timed (--tts SPEC, default espeak)',
    load: async () => (await import('./say')).sayCommand,
  },
  models: {
    help: 'list or fetch downloadable models (list | fetch ID)',
    load: async () => (await import('./models')).modelsCommand,
  },
  web: {
    help: 'the app in any browser (engine + renderer on 127.0.0.1)',
    load: async () => (await import('./web')).webCommand,
  },
  converse: {
    help: 'two bots talk on 1–4 lanes side by side (--scenario NAME)',
    load: async () => (await import('./converse')).converseCommand,
  },
  talk: {
    help: 'a WAV file as a lane microphone, in real time: the gap of each reply',
    load: async () => (await import('./talk')).talkCommand,
  },
  render: {
    help: 'render a race to a showcase video: BASE.webm, .wav, .vtt, .srt, .json',
    load: async () => (await import('./render')).renderCommand,
  },
  preflight: {
    help: 'check what a talk needs: keys, providers (TTFT), models, voice, disk',
    load: async () => (await import('./preflight')).preflightCommand,
  },
  bench: {
    help: 'measure the token path and the client (figures for BENCHMARKS.md)',
    load: async () => (await import('./bench')).benchCommand,
  },
};

const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

/** `--help` / `-h` anywhere before a `--` asks for the command's usage, whatever else is given. */
const wantsHelp = (argv: string[]): boolean => {
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

function version(): string {
  const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

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
  if (name === '--version' || name === '-V' || name === 'version') {
    process.stdout.write(`dialtone ${version()}\n`);
    return 0;
  }
  if (!isCommand(name)) {
    process.stderr.write(redact(`dialtone: unknown command "${name}"\n${usage()}`));
    return 1;
  }
  const command = COMMANDS[name];
  if (wantsHelp(rest)) {
    process.stdout.write(`${command.help}\n\nusage: ${USAGES[name]}\n`);
    return 0;
  }
  try {
    const run = await command.load();
    await run(rest);
    return 0;
  } catch (err) {
    if (err instanceof CliError || err instanceof LaneSpecError) {
      process.stderr.write(redact(`dialtone ${name}: ${err.message}\n`));
      return 1;
    }
    // Not bad input but a fault of ours: still one readable line, with the detail on request.
    const message = errorMessage(err);
    process.stderr.write(redact(`dialtone ${name}: ${message}\n`));
    if (process.env.DIALTONE_DEBUG)
      console.error(redact(err instanceof Error ? (err.stack ?? message) : message));
    return 2;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
