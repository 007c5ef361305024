/**
 * One warm espeak-ng, shared by every espeak voice in the process.
 *
 * The `espeak-ng` npm package is the espeak-ng command line compiled to WebAssembly: each run is a
 * call of its `main()`. A fresh instance costs ~150–450 ms (compile, 18 MB of embedded voice data),
 * and `main()` cannot simply be called twice (libc's getopt and espeak's globals keep the first
 * run's state). So: instantiate once, snapshot linear memory before the first run, and put the
 * snapshot back after every run (a 32 MB copy, ~3 ms, done off the critical path). Every run then
 * starts from a pristine instance and costs only espeak's own start-up (~12 ms) plus synthesis.
 *
 * A run is synchronous and blocks its thread for its duration (about 20 ms for a 10-word
 * sentence), which is why it lives in a worker thread (espeak-host.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EspeakModule } from 'espeak-ng';

/** espeak-ng's output rate, samples per second. */
export const ESPEAK_SAMPLE_RATE = 22_050;

export interface EspeakArgs {
  /** espeak voice, e.g. `en-us`, `en-gb+f3`. */
  voice: string;
  /** Words per minute (espeak `-s`, 80–450). */
  rate: number;
  /** Pitch 0–99 (espeak `-p`). */
  pitch: number;
}

/** One run of espeak: speech, or the IPA phonemes of the text (Kokoro's front end). */
export type EspeakJob =
  { kind: 'synth'; text: string; args: EspeakArgs } | { kind: 'ipa'; text: string; voice: string };

/** What a job gives back: PCM for `synth`, the phonemes of each clause for `ipa`. */
export type EspeakResult = Int16Array | string[];

/** Runs one job on an engine (in the worker, or in-process where no worker could start). */
export function runJob(engine: EspeakEngine, job: EspeakJob): EspeakResult {
  return job.kind === 'synth' ? engine.synthesize(job.text, job.args) : engine.phonemize(job.text, job.voice);
}

const OUT = '/dialtone-out.wav';

export class EspeakEngine {
  private dirty = false;
  private restoreScheduled = false;

  private constructor(
    private readonly mod: EspeakModule,
    private readonly exports: WasmExports,
    private readonly snapshot: Uint8Array,
    /** What the current run printed on stderr (the first lines) and stdout. */
    private readonly errors: string[],
    private readonly stdout: string[],
  ) {}

  static async create(): Promise<EspeakEngine> {
    const jsPath = createRequire(__filename).resolve('espeak-ng');
    const wasmBytes = readFileSync(join(dirname(jsPath), 'espeak-ng.wasm'));
    const compiled = await wasm.compile(wasmBytes);
    const { default: ESpeakNg } = await import('espeak-ng');
    let exports: WasmExports | undefined;
    const errors: string[] = [];
    const stdout: string[] = [];
    const mod = await ESpeakNg({
      arguments: [],
      noInitialRun: true,
      print: (line) => stdout.push(line),
      printErr: (line) => {
        if (errors.length < 20) errors.push(line);
      },
      instantiateWasm(imports, done) {
        void wasm.instantiate(compiled, imports).then((instance) => {
          exports = instance.exports as unknown as WasmExports;
          done(instance, compiled);
        });
        return {};
      },
    });
    if (!exports) throw new Error('espeak-ng did not instantiate');
    const snapshot = new Uint8Array(exports.memory.buffer).slice();
    return new EspeakEngine(mod, exports, snapshot, errors, stdout);
  }

  /** Synthesizes `text` (one run of espeak); returns mono 16-bit PCM at ESPEAK_SAMPLE_RATE. */
  synthesize(text: string, args: EspeakArgs): Int16Array {
    const argv = [
      '-v',
      args.voice,
      '-s',
      String(Math.round(args.rate)),
      '-p',
      String(Math.round(args.pitch)),
    ];
    const code = this.main([...argv, '-w', OUT, '--', text]);
    const { mod } = this;
    if (!mod.FS.analyzePath(OUT).exists) {
      throw new Error(
        `espeak-ng wrote no audio (exit ${code})${this.errors.length ? `: ${this.errors[0]}` : ''}`,
      );
    }
    const wav = mod.FS.readFile(OUT);
    mod.FS.unlink(OUT);
    return wavData(wav);
  }

  /**
   * The IPA phonemes of `text` in `voice` (espeak `-q --ipa`), one entry per clause — exactly what the
   * `phonemizer` package (kokoro-js's front end) returns.
   */
  phonemize(text: string, voice: string): string[] {
    const code = this.main(['-q', '--ipa', '-v', voice, '--', text]);
    if (code !== 0 && this.stdout.length === 0) {
      throw new Error(
        `espeak-ng gave no phonemes (exit ${code})${this.errors.length ? `: ${this.errors[0]}` : ''}`,
      );
    }
    return this.stdout.map((line) => line.trim()).filter((line) => line !== '');
  }

  /** One call of espeak's `main()` on a pristine instance; the exit code. */
  private main(args: string[]): number {
    this.restore();
    this.errors.length = 0;
    this.stdout.length = 0;
    const argv = ['espeak-ng', ...args];
    this.dirty = true;
    const { mod, exports } = this;
    const ptrs = argv.map((arg) => {
      const bytes = Buffer.from(`${arg}\0`, 'utf8');
      const ptr = exports.malloc(bytes.length);
      if (ptr === 0) throw new Error('espeak-ng ran out of memory');
      mod.HEAPU8.set(bytes, ptr);
      return ptr;
    });
    const argvPtr = exports.malloc(4 * (ptrs.length + 1));
    ptrs.forEach((p, i) => (mod.HEAPU32[(argvPtr >> 2) + i] = p));
    mod.HEAPU32[(argvPtr >> 2) + ptrs.length] = 0;
    try {
      return mod._main(ptrs.length, argvPtr);
    } finally {
      this.scheduleRestore();
    }
  }

  /** Back to the pristine snapshot (memory only: the JS-side file system holds nothing of a run). */
  private restore(): void {
    if (!this.dirty) return;
    new Uint8Array(this.exports.memory.buffer).set(this.snapshot);
    this.dirty = false;
  }

  private scheduleRestore(): void {
    if (this.restoreScheduled) return;
    this.restoreScheduled = true;
    setImmediate(() => {
      this.restoreScheduled = false;
      this.restore();
    });
  }
}

interface WasmExports {
  memory: { buffer: ArrayBuffer };
  malloc(size: number): number;
}

/** The WebAssembly global (Node has it; lib ES2023 does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The samples of espeak's WAV (16-bit mono PCM): whatever follows the `data` tag. */
function wavData(wav: Uint8Array): Int16Array {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  let at = 12;
  while (at + 8 <= wav.length) {
    const tag = String.fromCharCode(wav[at]!, wav[at + 1]!, wav[at + 2]!, wav[at + 3]!);
    const size = view.getUint32(at + 4, true);
    if (tag === 'data') {
      const start = at + 8;
      // espeak may leave the size unpatched (0 or 0x7fffffff): take what is there.
      const end = size > 0 && start + size <= wav.length ? start + size : wav.length;
      const samples = Math.floor((end - start) / 2);
      const out = new Int16Array(samples);
      for (let i = 0; i < samples; i++) out[i] = view.getInt16(start + 2 * i, true);
      return out;
    }
    at += 8 + size + (size & 1);
  }
  return new Int16Array(0);
}
