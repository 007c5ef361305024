/**
 * One simulated chat completion, from a validated request to the last byte: plans the reply, paces
 * its tokens against the clock, writes them as SSE (or one JSON body after the same total time), and
 * applies an injected fault. Everything stops the moment the client leaves.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SimFault, SimKnobs } from '../../../shared/lane-spec';
import type { Clock } from '../clock';
import { planReply } from './content';
import { askedLength } from './length';
import { sendError, sendJson } from './errors';
import { makeSchedule, pace, type Pacer } from './pacing';
import { messageText, type ChatCompletionRequest } from './request';
import { ChunkWriter, completionBody, makeTimeInfo, makeUsage, type Timeline } from './stream';
import { countTokens } from './tokenize';

export const SIM_MODEL_ID = 'dialtone-sim';

export interface CompletionContext {
  clock: Clock;
  knobs: SimKnobs;
  fault?: SimFault;
  /** Scripted reply text (from the control header). */
  reply?: string;
  /** Clock time the request handler was entered, ms. */
  arrivedAtMs: number;
}

/** Tokens every message costs on top of its text (role and separators), as in OpenAI's accounting. */
const TOKENS_PER_MESSAGE = 4;

/**
 * Runs one completion on `res`. Returns a cancel function (idempotent) that stops all timers; it is
 * also called when the response closes for any reason, so a departed client leaves nothing behind.
 */
export function runCompletion(
  res: ServerResponse,
  request: ChatCompletionRequest,
  ctx: CompletionContext,
): () => void {
  const { clock, knobs, fault } = ctx;
  if (res.destroyed) return () => {}; // the client left while its body was being read
  if (fault?.kind === 'status') {
    sendStatusFault(res, fault.status, fault.retryAfterS);
    return () => {};
  }

  const messages = request.messages;
  const lastUser = [...messages].reverse().find((m) => m.role === 'user') ?? messages[messages.length - 1]!;
  const requestMax = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const caps = [knobs.maxTokens, requestMax].filter((n): n is number => n !== undefined);
  const plan = planReply({
    question: messageText(lastUser),
    conversationKey: messages.map((m) => `${m.role}\u0000${messageText(m)}`).join('\u0001'),
    seed: knobs.seed,
    reasoningTokens: knobs.reasoningTokens,
    maxAnswerTokens: caps.length ? Math.min(...caps) : undefined,
    reply: ctx.reply,
    answerTokens: knobs.replyTokens,
    length: askedLength(
      messages
        .filter((m) => m.role === 'system' || m.role === 'developer')
        .map((m) => messageText(m))
        .join('\n'),
    ),
  });
  const promptTokens = messages.reduce((sum, m) => sum + countTokens(messageText(m)) + TOKENS_PER_MESSAGE, 3);
  const usage = makeUsage(promptTokens, plan.answer.length, plan.reasoning.length);
  const tokens = plan.reasoning.length ? [...plan.reasoning, ...plan.answer] : plan.answer;
  const ids = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '')}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model || SIM_MODEL_ID,
  };
  const startedAtMs = clock.now();
  const timeline: Timeline = {
    arrivedAtMs: ctx.arrivedAtMs,
    startedAtMs,
    firstTokenAtMs: null,
    lastTokenAtMs: null,
    firstDueAtMs: null,
    lastDueAtMs: null,
    endAtMs: startedAtMs,
  };
  // The configured TTFT counts from the request's arrival, as a real server's does: reading the body
  // and planning the reply happen within it, not before it (on a busy machine they took up to 48 ms,
  // and a lane configured at ttft=150 read 180 on its first turn).
  const schedule = makeSchedule({ ...knobs, startMs: ctx.arrivedAtMs, count: tokens.length });
  // Index at which a mid-stream fault fires: when that token would be due, or at the end if sooner.
  const cut = fault ? fault.afterTokens : Infinity;
  const faultAt = (to: number): boolean => to > cut || (to === tokens.length && tokens.length <= cut);

  let closed = false;
  let pacer: Pacer | undefined;
  const cancel = (): void => {
    closed = true;
    pacer?.cancel();
  };
  res.on('close', cancel);

  const noteTokens = (from: number, end: number, now: number): void => {
    if (end <= from) return;
    timeline.firstTokenAtMs ??= now;
    timeline.lastTokenAtMs = now;
    timeline.firstDueAtMs ??= schedule.dueMs(from);
    timeline.lastDueAtMs = schedule.dueMs(end - 1);
  };

  if (request.stream) {
    const writer = new ChunkWriter(ids);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-request-id': ids.id,
    });
    res.flushHeaders();
    pacer = pace(schedule, clock, (from, to, now) => {
      if (closed) return false;
      const end = Math.min(to, cut);
      noteTokens(from, end, now);
      // All tokens due at this wake go out in one write; the socket is not written per token.
      let out = writer.tokens(tokens, from, end, plan.reasoning.length);
      if (fault && faultAt(to)) {
        if (fault.kind === 'drop') {
          if (out) res.write(out);
          // Flush what was written, then close the socket mid-response: no terminating chunk, no [DONE].
          res.socket?.destroySoon();
        } else if (fault.kind === 'malformed') {
          res.end(out + writer.malformed());
        } else if (out) {
          res.write(out); // stall: the connection stays open and silent
        }
        return false;
      }
      if (to === tokens.length) {
        timeline.endAtMs = now;
        out += writer.final(plan.finishReason, usage, makeTimeInfo(timeline));
        res.end(out);
        return false;
      }
      // Backpressure is ignored on purpose: a real server generates at its own rate whatever the reader does.
      if (out) res.write(out);
      return true;
    });
  } else {
    pacer = pace(schedule, clock, (from, to, now) => {
      if (closed) return false;
      noteTokens(from, Math.min(to, cut), now);
      if (fault && faultAt(to)) {
        if (fault.kind === 'drop') res.socket?.destroy();
        else if (fault.kind === 'malformed') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            `{"id":${JSON.stringify(ids.id)},"object":"chat.completion","choices":[{"index":0,"message":{`,
          );
        }
        return false;
      }
      if (to < tokens.length) return true;
      timeline.endAtMs = now;
      const reasoning = plan.reasoning.join('');
      const answer = plan.answer.join('');
      sendJson(res, completionBody(ids, answer, reasoning, plan.finishReason, usage, makeTimeInfo(timeline)));
      return false;
    });
  }
  return cancel;
}

function sendStatusFault(res: ServerResponse, status: 401 | 429 | 500, retryAfterS = 1): void {
  if (status === 401) {
    sendError(res, 401, 'Incorrect API key provided (simulated fault).', { code: 'invalid_api_key' });
  } else if (status === 429) {
    sendError(res, 429, `Rate limit reached (simulated fault). Please try again in ${retryAfterS}s.`, {
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      headers: { 'retry-after': String(retryAfterS) },
    });
  } else {
    sendError(res, 500, 'The server had an error while processing your request (simulated fault).', {
      type: 'server_error',
      code: 'internal_error',
    });
  }
}
