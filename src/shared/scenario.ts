/**
 * Scenario files (YAML or JSON in `assets/scenarios/` and the user's folder): two personas, who opens
 * with what line, the stop rule, and for the simulated backend a script, so every lane says exactly
 * the same words and only the speed differs. Parsed here, where a file enters; inside, trusted.
 */
import { z } from 'zod';

export const Persona = z.strictObject({
  /** Shown as the speaker, and how the other persona is told who it talks to. */
  name: z.string().trim().min(1).max(40),
  /** espeak voice id (`en-us`, `en-gb-f`, `fr`, …); an unknown one falls back to the default with a warning. */
  voice: z.string().trim().min(1).max(40).default('en-us'),
  /** The persona's system prompt (live generation). */
  prompt: z.string().trim().min(1).max(4_000),
});
export type Persona = z.infer<typeof Persona>;

/** Words that count as a goodbye for `bothGoodbye`, unless the file names its own. */
export const DEFAULT_GOODBYE_WORDS = ['goodbye', 'bye', 'farewell'];

/** When a run ends: whichever condition is met first (checked after every line). */
export const StopRule = z
  .strictObject({
    /** Both personas said goodbye, in consecutive lines (one hung up, then the other). */
    bothGoodbye: z.boolean().default(false),
    goodbyeWords: z.array(z.string().trim().min(1)).min(1).default(DEFAULT_GOODBYE_WORDS),
    /** A line containing this phrase (whole words, any case) ends the run. */
    phrase: z.string().trim().min(1).max(200).optional(),
    /** Lines spoken, the opening included; a safety cap even when another rule is set. */
    maxTurns: z.number().int().min(1).max(200).default(30),
    /** Wall time of the run, seconds (checked between turns). */
    maxSeconds: z.number().positive().max(3_600).optional(),
  })
  .default({ bothGoodbye: false, goodbyeWords: DEFAULT_GOODBYE_WORDS, maxTurns: 30 });
export type StopRule = z.infer<typeof StopRule>;

export const Scenario = z
  .strictObject({
    /** Defaults to the file name without extension. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, at most 40')
      .optional(),
    title: z.string().trim().min(1).max(120),
    description: z.string().trim().max(1_000).optional(),
    personas: z.tuple([Persona, Persona]),
    /** Name of the persona who speaks first. */
    opener: z.string().trim().min(1),
    /** The opener's first line, spoken verbatim (given, not generated: every lane starts alike). */
    opening: z.string().trim().min(1).max(2_000),
    /**
     * Simulated backend only: the lines after the opening, alternating speakers starting with the
     * other persona. Past its end the personas generate live until the stop rule ends the run.
     */
    script: z.array(z.string().trim().min(1).max(2_000)).default([]),
    stop: StopRule,
  })
  .superRefine((s, ctx) => {
    const [a, b] = s.personas;
    if (a.name.toLowerCase() === b.name.toLowerCase()) {
      ctx.addIssue({
        code: 'custom',
        path: ['personas', 1, 'name'],
        message: 'the two personas need different names',
      });
    }
    if (![a.name, b.name].includes(s.opener)) {
      ctx.addIssue({
        code: 'custom',
        path: ['opener'],
        message: `"${s.opener}" is not a persona (${a.name} or ${b.name})`,
      });
    }
  });
export type Scenario = z.infer<typeof Scenario> & { name: string };

/** Why a lane's run ended. */
export const StoppedBy = z.enum(['goodbye', 'phrase', 'max-turns', 'max-time', 'error', 'stopped']);
export type StoppedBy = z.infer<typeof StoppedBy>;
