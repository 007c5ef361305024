/**
 * Demo scripts (YAML or JSON in `assets/demos/` and the user's `<scenarios folder>/demos/`): the
 * steps of a talk, stepped with a clicker (PageDown / Right / Space). Each step is one of
 *
 *   - race: { scenario: goodbye, lanes: [fast, gpu] }   start a race (lanes: specs, or {spec, label})
 *   - ask: "What is the capital of France?"             the same question to every lane
 *   - switch: { lane: gpu, spec: cerebras }             change a lane's backend (by label or 1-based index)
 *   - show: breakdown | stage | setup                   bring a part of the page into view
 *
 * Parsed here, where a file enters; inside, trusted.
 */
import { z } from 'zod';

const Spec = z.string().trim().min(1).max(2_000);

export const DemoRaceLane = z.union([
  Spec,
  z.strictObject({ spec: Spec, label: z.string().trim().min(1).max(80).optional() }),
]);
export type DemoRaceLane = z.infer<typeof DemoRaceLane>;

export const DemoView = z.enum(['breakdown', 'stage', 'setup']);
export type DemoView = z.infer<typeof DemoView>;

/** Each kind of step, by its only key. */
export const STEP_KINDS = {
  race: z.strictObject({
    scenario: z.string().trim().min(1).max(80),
    lanes: z.array(DemoRaceLane).min(1).max(4),
  }),
  ask: z.string().trim().min(1).max(4_000),
  switch: z.strictObject({
    /** The lane's label, or its place from the left (1-based). */
    lane: z.union([z.string().trim().min(1).max(80), z.number().int().min(1).max(4)]),
    spec: Spec,
  }),
  show: DemoView,
};
export type StepKind = keyof typeof STEP_KINDS;

export type DemoStep =
  | { race: z.infer<typeof STEP_KINDS.race> }
  | { ask: z.infer<typeof STEP_KINDS.ask> }
  | { switch: z.infer<typeof STEP_KINDS.switch> }
  | { show: z.infer<typeof STEP_KINDS.show> };

const KIND_NAMES = Object.keys(STEP_KINDS) as StepKind[];

/** A demo script that could not be used: which step (1-based; 0 for the file itself), which field, what. */
export class DemoScriptError extends Error {
  override name = 'DemoScriptError';
  constructor(
    readonly file: string,
    readonly step: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super([file, step > 0 ? `step ${step}` : '', field, problem].filter((p) => p !== '').join(': '));
  }
}

/** One step, checked by its kind so the error names the field that is wrong, not "invalid union". */
export function parseStep(raw: unknown, index: number, file: string): DemoStep {
  const step = index + 1;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DemoScriptError(file, step, '', `expected one of ${KIND_NAMES.join(', ')}`);
  }
  const keys = Object.keys(raw);
  const kind = keys[0] as StepKind;
  if (keys.length !== 1 || !KIND_NAMES.includes(kind)) {
    const found = keys.length === 0 ? 'nothing' : keys.join(', ');
    throw new DemoScriptError(
      file,
      step,
      '',
      `expected exactly one of ${KIND_NAMES.join(', ')}, found ${found}`,
    );
  }
  const parsed = STEP_KINDS[kind].safeParse((raw as Record<string, unknown>)[kind]);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DemoScriptError(file, step, [kind, ...issue.path.map(String)].join('.'), issue.message);
  }
  return { [kind]: parsed.data } as DemoStep;
}

const ScriptFile = z.strictObject({
  /** Defaults to the file name without extension. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and -, at most 40')
    .optional(),
  title: z.string().trim().min(1).max(120),
  steps: z.array(z.unknown()).min(1, 'a demo needs at least one step').max(100),
});

export interface DemoScript {
  name: string;
  title: string;
  steps: DemoStep[];
}

/** The wire form (engine → renderer): already checked by the engine, re-checked by the protocol. */
export const DemoScriptWire = z.object({
  name: z.string(),
  title: z.string(),
  builtin: z.boolean(),
  steps: z.array(
    z.union([
      z.object({ race: STEP_KINDS.race }),
      z.object({ ask: STEP_KINDS.ask }),
      z.object({ switch: STEP_KINDS.switch }),
      z.object({ show: STEP_KINDS.show }),
    ]),
  ),
});

/** Checks parsed YAML/JSON; throws DemoScriptError naming the file, the step and the field. */
export function parseDemoScript(data: unknown, file: string, fallbackName: string): DemoScript {
  const parsed = ScriptFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [first, second, ...rest] = issue.path.map(String);
    if (first === 'steps' && second !== undefined) {
      throw new DemoScriptError(file, Number(second) + 1, rest.join('.'), issue.message);
    }
    throw new DemoScriptError(file, 0, issue.path.map(String).join('.'), issue.message);
  }
  return {
    name: parsed.data.name ?? fallbackName,
    title: parsed.data.title,
    steps: parsed.data.steps.map((raw, i) => parseStep(raw, i, file)),
  };
}

/** One line for the presenter strip: what the step does, in plain words. */
export function describeStep(step: DemoStep): string {
  if ('race' in step) {
    const lanes = step.race.lanes.map((l) => (typeof l === 'string' ? l : (l.label ?? l.spec)));
    return `Race ${step.race.scenario}: ${lanes.join(' vs ')}`;
  }
  if ('ask' in step) return `Ask every lane: “${step.ask}”`;
  if ('switch' in step) return `Switch lane ${step.switch.lane} to ${step.switch.spec}`;
  return `Show the ${step.show}`;
}

/** The kind of a step (its only key). */
export function stepKind(step: DemoStep): StepKind {
  if ('race' in step) return 'race';
  if ('ask' in step) return 'ask';
  if ('switch' in step) return 'switch';
  return 'show';
}
