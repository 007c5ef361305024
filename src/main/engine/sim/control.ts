/**
 * Per-request control of the simulated backend. A lane sends its knobs (and, in tests, a fault) in
 * the `x-dialtone-sim` header as JSON; anything missing falls back to the server's defaults (the
 * `bin/dialtone sim` flags). Ordinary OpenAI clients send no header and get the defaults.
 */
import { z } from 'zod';

export const SIM_CONTROL_HEADER = 'x-dialtone-sim';

export const SimFaultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.union([z.literal(401), z.literal(429), z.literal(500)]),
    retryAfterS: z.number().nonnegative().optional(),
  }),
  z.object({ kind: z.literal('drop'), afterTokens: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('stall'), afterTokens: z.number().int().nonnegative() }),
  z.object({ kind: z.literal('malformed'), afterTokens: z.number().int().nonnegative() }),
]);

export const SimControl = z.object({
  tps: z.number().positive().max(100_000).optional(),
  ttftMs: z.number().nonnegative().max(120_000).optional(),
  reasoningTokens: z.number().int().nonnegative().max(100_000).optional(),
  jitter: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  maxTokens: z.number().int().positive().optional(),
  fault: SimFaultSchema.optional(),
  /** Scripted reply: streamed word by word instead of generated text (scenarios). */
  reply: z.string().max(100_000).optional(),
});
export type SimControl = z.infer<typeof SimControl>;
