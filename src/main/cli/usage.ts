/**
 * Each command's usage line, apart from the commands themselves: `dialtone <command> --help` answers
 * from here without loading the command (some pull in models, browsers or the engine).
 */
export const USAGES = {
  sim: 'dialtone sim [--port 8787] [--tps N] [--ttft MS] [--jitter F] [--reasoning-tokens N] [--seed N]',
  chat: 'dialtone chat "<prompt>" [--lane SPEC] [--json]',
  vad: 'dialtone vad <file.wav> [--silence-ms 300] [--min-speech-ms 96] [--threshold 0.5] [--json]',
  transcribe: 'dialtone transcribe <file.wav> [--stt SPEC] [--json]',
  say: 'dialtone say "<text>" --out <file.wav> [--tts SPEC] [--json]',
  models: 'dialtone models list [--json] | dialtone models fetch ID [--json]',
  web: 'dialtone web [--port N]',
  converse:
    'dialtone converse --scenario NAME [--lane SPEC]... [--max-turns N] [--no-speech | --out race.wav] [--live] [--list] [--json]',
  talk: 'dialtone talk <speech.wav> [--lane SPEC] [--stt SPEC] [--tts SPEC] [--silence-ms N] [--no-speculation] [--json]',
  render:
    'dialtone render --scenario NAME [--lane SPEC]... [--max-turns N] [--size 1920x1080|1080x1920] [--burn-captions] [--mic none] [--codec vp9|vp8] --out BASE.webm [--json]',
  preflight: 'dialtone preflight [--lane SPEC]... [--stt SPEC] [--tts SPEC] [--json]',
  bench:
    'dialtone bench [--only client|token-path|vad|speech|kokoro|turn|voice-turn|browser-audio|overlay|render] [--quick] [--json]',
} as const;

export type CommandName = keyof typeof USAGES;
