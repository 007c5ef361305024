/**
 * Demo scripts are checked where they enter: a bad file is one clear message naming the file, the
 * step and the field (not zod's "invalid union"), and the other scripts still load. Without
 * scenarios/demos.ts and shared/demo-script.ts there is no `demo.list` and no built-in talk.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeStep, parseDemoScript } from '../../src/shared/demo-script';
import { listDemos, loadDemos, parseDemoFile } from '../../src/main/engine/scenarios/demos';
import { EngineEvent } from '../../src/shared/protocol';

function problem(text: string, file = 'talk.yaml'): string {
  try {
    parseDemoFile(text, file);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('parsed');
}

describe('demo script schema', () => {
  it('reads every kind of step, lanes as specs or {spec, label}', () => {
    const script = parseDemoScript(
      {
        title: 'All kinds',
        steps: [
          { race: { scenario: 'goodbye', lanes: ['fast', { spec: 'sim:tps=50', label: 'slow' }] } },
          { ask: 'Why is the sky blue?' },
          { switch: { lane: 2, spec: 'cerebras' } },
          { show: 'breakdown' },
        ],
      },
      'x.yaml',
      'x',
    );
    expect(script.name).toBe('x');
    expect(script.steps.map(describeStep)).toEqual([
      'Race goodbye: fast vs slow',
      'Ask every lane: “Why is the sky blue?”',
      'Switch lane 2 to cerebras',
      'Show the breakdown',
    ]);
  });

  it('names the file, the step and the field of the first problem', () => {
    expect(problem('title: t\nsteps:\n  - ask: hi\n  - show: everything\n')).toMatch(
      /^talk\.yaml: step 2: show: Invalid option/,
    );
    expect(problem('title: t\nsteps:\n  - race: {scenario: goodbye, lanes: []}\n')).toMatch(
      /^talk\.yaml: step 1: race\.lanes: /,
    );
    expect(problem('title: t\nsteps:\n  - dance: now\n')).toBe(
      'talk.yaml: step 1: expected exactly one of race, ask, switch, show, found dance',
    );
    expect(problem('title: t\nsteps:\n  - ask: hi\n    show: stage\n')).toBe(
      'talk.yaml: step 1: expected exactly one of race, ask, switch, show, found ask, show',
    );
    expect(problem('title: t\nsteps: []\n')).toBe('talk.yaml: steps: a demo needs at least one step');
    expect(problem('steps:\n  - ask: hi\n')).toMatch(/^talk\.yaml: title: /);
    expect(problem('title: [unclosed\n')).toMatch(/^talk\.yaml: not valid YAML: /);
    expect(problem('{"title": 1', 'd.json')).toMatch(/^d\.json: not valid JSON: /);
  });
});

describe('demo loader', () => {
  it('lists the built-in talk (race, ask, breakdown) as a valid demo.list event', () => {
    const home = mkdtempSync(join(tmpdir(), 'demos-'));
    const event = listDemos({ DIALTONE_SCENARIOS: join(home, 'none') });
    expect(EngineEvent.parse(event)).toEqual(event);
    expect(event.errors).toEqual([]);
    const talk = event.demos.find((d) => d.name === 'talk');
    expect(talk?.builtin).toBe(true);
    expect(talk?.steps.map((s) => Object.keys(s)[0])).toEqual(['race', 'ask', 'show']);
    expect(talk?.steps[0]).toEqual({ race: { scenario: 'goodbye', lanes: ['fast', 'gpu'] } });
  });

  it("reads the user's demos beside their scenarios: a bad file is one error, a good one overrides the built-in", () => {
    const scenarios = mkdtempSync(join(tmpdir(), 'demos-'));
    const dir = join(scenarios, 'demos');
    mkdirSync(dir);
    writeFileSync(join(dir, 'talk.yaml'), 'title: My talk\nsteps:\n  - show: stage\n');
    writeFileSync(join(dir, 'broken.yml'), 'title: Broken\nsteps:\n  - switch: {lane: gpu}\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a demo');
    const event = listDemos({ DIALTONE_SCENARIOS: scenarios });
    expect(event.demos.find((d) => d.name === 'talk')).toMatchObject({ title: 'My talk', builtin: false });
    expect(event.errors).toEqual([
      `${join(dir, 'broken.yml')}: step 1: switch.spec: Invalid input: expected string, received undefined`,
    ]);

    const only = loadDemos({ dirs: [dir] });
    expect([...only.demos.keys()]).toEqual(['talk']);
    expect(only.errors).toHaveLength(1);
  });
});
