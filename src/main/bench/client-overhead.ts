/**
 * What our LLM client costs over the plain `openai` streaming loop, on the same stream.
 *
 * Why CPU time and not wall time: the simulated backend paces the stream (at 20,000 tok/s a
 * 2,000-token reply takes ~100 ms however fast the client is), so wall time shows the pacing, not the
 * client — unless the client falls behind, which `wallMsMedian` would reveal. CPU time (user + system,
 * `process.cpuUsage`) counts the work done: HTTP and SSE parsing, JSON.parse per chunk, and in our arm
 * the byte tap that watches for stalls, the clock stamps, the events and the metrics. The sim runs in
 * this process too (`process.cpuUsage` cannot be split by thread on Node 20), so every arm also pays
 * for the server; a third arm that only reads the response bytes measures that shared floor, and
 * `clientRatio` compares what remains: (ours − floor) / (plain − floor).
 *
 * Arms alternate run by run with the same seed and the same scripted reply, after warm-up runs, so
 * JIT and machine noise fall on all of them alike. Medians, with min/max as the spread.
 */
import OpenAI from 'openai';
import { systemClock } from '../engine/clock';
import { createLlmProvider } from '../engine/providers/llm';
import { SIM_CONTROL_HEADER } from '../engine/sim/control';
import type { SimControl } from '../engine/sim/control';
import { startSimServer } from '../engine/sim/server';
import type { ChatMessage } from '../engine/providers/llm/types';

export interface ClientOverheadResult {
  /** CPU ms per streamed reply through our provider (median). */
  ourMsMedian: number;
  /** CPU ms per streamed reply through a plain `openai` for-await loop (median). */
  plainMsMedian: number;
  /** ourMsMedian / plainMsMedian (the sim's own CPU is in both). */
  ratio: number;
  /** CPU ms per reply of the floor arm: the sim plus reading the raw response bytes (median). */
  floorMsMedian: number;
  /** (ours − floor) / (plain − floor): the client-side work alone. */
  clientRatio: number;
  /** (ourMsMedian − plainMsMedian) per token, µs. */
  overheadUsPerToken: number;
  /** Wall time per reply, ms (median): both should sit near tokens / tps. */
  wallMsMedian: { our: number; plain: number };
  spread: {
    ourMinMs: number;
    ourMaxMs: number;
    plainMinMs: number;
    plainMaxMs: number;
    ratioMin: number;
    ratioMax: number;
  };
  runs: number;
  tokens: number;
  tps: number;
}

const WARMUP_RUNS = 3;
const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog', 'and', 'runs', 'home'];

export async function benchClientOverhead(
  opts: { runs?: number; tokens?: number; tps?: number } = {},
): Promise<ClientOverheadResult> {
  const runs = opts.runs ?? 20;
  const tokens = opts.tokens ?? 2000;
  const tps = opts.tps ?? 20_000;
  // Short words are one token each in the sim's tokenizer, so the reply is exactly `tokens` long.
  const reply = Array.from({ length: tokens }, (_, i) => ` ${WORDS[i % WORDS.length]}`).join('');
  const control: SimControl = { tps, ttftMs: 0, jitter: 0, seed: 7, reasoningTokens: 0, reply };
  const messages: ChatMessage[] = [{ role: 'user', content: 'Say the words.' }];

  const sim = await startSimServer({ defaults: { tps, ttftMs: 0, jitter: 0, seed: 7 } });
  try {
    const provider = createLlmProvider(
      { provider: 'sim', knobs: { tps, ttftMs: 0, reasoningTokens: 0, jitter: 0, seed: 7 }, url: sim.url },
      { clock: systemClock, env: {} },
    );
    const plain = new OpenAI({
      apiKey: 'unused',
      baseURL: sim.url,
      maxRetries: 0,
      organization: null,
      project: null,
      logLevel: 'off',
      defaultHeaders: { [SIM_CONTROL_HEADER]: JSON.stringify(control) },
    });

    const ours = async (): Promise<number> => {
      let n = 0;
      const r = await provider.stream({
        messages,
        simReply: reply,
        signal: new AbortController().signal,
        onEvent: () => void n++,
      });
      if (r.aborted || n === 0) throw new Error('bench: our client streamed nothing');
      return n;
    };
    const theirs = async (): Promise<number> => {
      let text = '';
      let n = 0;
      const stream = await plain.chat.completions.create({
        model: 'dialtone-sim',
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta?.content;
        if (piece) {
          text += piece;
          n++;
        }
      }
      if (text === '') throw new Error('bench: the plain client streamed nothing');
      return n;
    };
    const floor = async (): Promise<number> => {
      const res = await fetch(`${sim.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIM_CONTROL_HEADER]: JSON.stringify(control) },
        body: JSON.stringify({
          model: 'dialtone-sim',
          messages,
          stream: true,
          stream_options: { include_usage: true },
        }),
      });
      let bytes = 0;
      for await (const part of res.body as unknown as AsyncIterable<Uint8Array>) bytes += part.byteLength;
      return bytes;
    };

    for (let i = 0; i < WARMUP_RUNS; i++) {
      await ours();
      await theirs();
      await floor();
    }
    const our: Sample[] = [];
    const plainS: Sample[] = [];
    const floorS: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which arm goes first, so neither always runs on a freshly collected heap.
      if (i % 2 === 0) {
        our.push(await measure(ours));
        plainS.push(await measure(theirs));
      } else {
        plainS.push(await measure(theirs));
        our.push(await measure(ours));
      }
      floorS.push(await measure(floor));
    }

    const ourCpu = our.map((s) => s.cpuMs);
    const plainCpu = plainS.map((s) => s.cpuMs);
    const ourMsMedian = median(ourCpu);
    const plainMsMedian = median(plainCpu);
    const floorMsMedian = median(floorS.map((s) => s.cpuMs));
    const pairRatios = ourCpu.map((v, i) => v / plainCpu[i]!);
    return {
      ourMsMedian: round(ourMsMedian),
      plainMsMedian: round(plainMsMedian),
      ratio: round(ourMsMedian / plainMsMedian, 3),
      floorMsMedian: round(floorMsMedian),
      clientRatio: round((ourMsMedian - floorMsMedian) / Math.max(1e-9, plainMsMedian - floorMsMedian), 3),
      overheadUsPerToken: round(((ourMsMedian - plainMsMedian) * 1000) / tokens, 3),
      wallMsMedian: {
        our: round(median(our.map((s) => s.wallMs))),
        plain: round(median(plainS.map((s) => s.wallMs))),
      },
      spread: {
        ourMinMs: round(Math.min(...ourCpu)),
        ourMaxMs: round(Math.max(...ourCpu)),
        plainMinMs: round(Math.min(...plainCpu)),
        plainMaxMs: round(Math.max(...plainCpu)),
        ratioMin: round(Math.min(...pairRatios), 3),
        ratioMax: round(Math.max(...pairRatios), 3),
      },
      runs,
      tokens,
      tps,
    };
  } finally {
    await sim.close();
  }
}

interface Sample {
  cpuMs: number;
  wallMs: number;
}

async function measure(fn: () => Promise<unknown>): Promise<Sample> {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
