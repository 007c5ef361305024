/** `dialtone chat "<prompt>" [--lane SPEC]`: one streamed reply, measured. */
import { LaneSpecError, parseLaneSpec } from '../../shared/lane-spec';
import { systemClock } from '../engine/clock';
import { VOICE_SYSTEM_PROMPT } from '../engine/lane';
import { createLlmProvider } from '../engine/providers/llm';
import { LlmError } from '../engine/providers/llm/errors';
import { startSimServer, type SimServer } from '../engine/sim/server';
import { CliError, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.chat;

export async function chatCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, { lane: { type: 'string' } }, USAGE);
  const prompt = positionals.join(' ').trim();
  if (prompt === '') throw new CliError(`no prompt given\nusage: ${USAGE}`);
  const json = values.json === true;
  let sim: SimServer | undefined;
  /** A reply cut short leaves its tokens on a line of their own, not under the error that follows. */
  let replyOpen = false;
  try {
    const spec = parseLaneSpec(String(values.lane ?? 'fast'));
    if (spec.provider === 'sim' && spec.url === undefined) sim = await startSimServer();
    const provider = createLlmProvider(spec, {
      clock: systemClock,
      simBaseUrl: sim?.url,
      env: process.env,
    });
    // A fresh process pays ~150 ms loading its HTTP stack on the first request: on the simulated
    // backend, spend it on a throwaway request so the TTFT shown is the configured one.
    if (spec.provider === 'sim' && spec.url === undefined) {
      const warm = parseLaneSpec('sim:tps=100000,ttft=1,max=4');
      await createLlmProvider(warm, { clock: systemClock, simBaseUrl: sim?.url, env: process.env })
        .stream({
          messages: [{ role: 'user', content: 'hi' }],
          signal: new AbortController().signal,
          onEvent: () => {},
        })
        .catch(() => undefined);
    }
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    const result = await provider.stream({
      messages: [
        { role: 'system', content: VOICE_SYSTEM_PROMPT },
        { role: 'user', content: prompt },
      ],
      signal: abort.signal,
      onEvent: (event) => {
        if (json || event.kind !== 'token') return;
        process.stdout.write(event.text);
        replyOpen = true;
      },
    });
    const m = result.metrics;
    if (json) {
      printJson({
        text: result.text,
        ttftMs: m.ttftMs,
        tokens: m.tokens,
        tokensPerSecond: m.tokensPerSecond,
        totalMs: m.totalMs,
        reasoningTokens: m.reasoningTokens,
        provider: provider.id,
        model: provider.model,
        ...(result.aborted ? { aborted: true } : {}),
      });
    } else {
      process.stdout.write('\n');
      say(
        `${provider.label}: TTFT ${fmt(m.ttftMs)} ms · ${m.tokens} tokens · ${fmt(m.tokensPerSecond)} tok/s · ` +
          `${fmt(m.totalMs)} ms total${result.aborted ? ' (cancelled)' : ''}`,
      );
    }
  } catch (err) {
    if (replyOpen) process.stdout.write('\n');
    if (err instanceof LaneSpecError || err instanceof LlmError) throw new CliError(err.message);
    throw err;
  } finally {
    await sim?.close();
  }
}

/** "–" where there is no figure: a rate over a reply too short to measure (shared/metrics.ts, `streamRate`). */
const fmt = (n: number | null): string => (n === null ? '–' : n.toFixed(n < 100 ? 1 : 0));
