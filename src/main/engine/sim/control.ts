/**
 * Per-request control of the simulated backend. A lane sends its knobs (and, in tests, a fault) in
 * the `x-dialtone-sim` header as JSON; anything missing falls back to the server's defaults (the
 * `bin/dialtone sim` flags). Ordinary OpenAI clients send no header and get the defaults.
 */
import { z } from 'zod';
import type { SimFault, SimKnobs } from '../../../shared/lane-spec';

export const SIM_CONTROL_HEADER = 'x-dialtone-sim';

// Strict objects: a misspelt knob ("ttft" for "ttftMs") is an error, not a silently ignored field.
export const SimFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('status'),
    status: z.union([z.literal(401), z.literal(429), z.literal(500)]),
    /** Seconds sent in `retry-after` with a 429 (default 1). */
    retryAfterS: z.number().nonnegative().optional(),
  }),
  z.strictObject({ kind: z.literal('drop'), afterTokens: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('stall'), afterTokens: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal('malformed'), afterTokens: z.number().int().nonnegative() }),
]);

export const SimControl = z.strictObject({
  tps: z.number().positive().max(100_000).optional(),
  ttftMs: z.number().nonnegative().max(120_000).optional(),
  reasoningTokens: z.number().int().nonnegative().max(100_000).optional(),
  jitter: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().optional(),
  /** Exact answer length in tokens: generated text goes on until it is reached. */
  replyTokens: z.number().int().positive().max(1_000_000).optional(),
  fault: SimFaultSchema.optional(),
  /** Scripted reply: streamed word by word instead of generated text (scenarios). */
  reply: z.string().max(100_000).optional(),
});
export type SimControl = z.infer<typeof SimControl>;

/**
 * The header value for a control object. HTTP header values must be ASCII (fetch rejects anything
 * else), so non-ASCII characters of a scripted reply are sent as JSON `\uXXXX` escapes.
 */
export function encodeSimControl(control: SimControl): string {
  return JSON.stringify(control).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export type ParsedSimControl = { ok: true; control: SimControl } | { ok: false; message: string };

/** Parses the header value (absent → empty control). Errors name the header and the bad field. */
export function parseSimControlHeader(value: string | string[] | undefined): ParsedSimControl {
  if (value === undefined) return { ok: true, control: {} };
  if (Array.isArray(value))
    return { ok: false, message: `${SIM_CONTROL_HEADER} header given more than once` };
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return { ok: false, message: `${SIM_CONTROL_HEADER} header is not valid JSON` };
  }
  const parsed = SimControl.safeParse(json);
  if (parsed.success) return { ok: true, control: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, message: `${SIM_CONTROL_HEADER} header: ${where}${issue.message}` };
}

/** The knobs for one request: the control's fields over the server defaults. */
export function mergeKnobs(defaults: SimKnobs, control: SimControl): SimKnobs {
  const knobs: SimKnobs = {
    tps: control.tps ?? defaults.tps,
    ttftMs: control.ttftMs ?? defaults.ttftMs,
    reasoningTokens: control.reasoningTokens ?? defaults.reasoningTokens,
    jitter: control.jitter ?? defaults.jitter,
    seed: control.seed ?? defaults.seed,
  };
  const maxTokens = control.maxTokens ?? defaults.maxTokens;
  if (maxTokens !== undefined) knobs.maxTokens = maxTokens;
  const replyTokens = control.replyTokens ?? defaults.replyTokens;
  if (replyTokens !== undefined) knobs.replyTokens = replyTokens;
  return knobs;
}

// Compile-time check that the schema and the shared SimFault type agree.
const _faultTypesAgree: z.infer<typeof SimFaultSchema> extends SimFault ? true : never = true;
