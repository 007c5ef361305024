/**
 * Scenario files: every built-in validates and its script ends by its own stop rule; a malformed
 * file is reported with its file, field and problem while the other scenarios still load.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIO_DIR, findScenario, loadScenarios } from '../../src/main/engine/scenarios/loader';
import { stopReason } from '../../src/main/engine/conversation/runner';
import type { Scenario } from '../../src/shared/scenario';

const GOOD = `
title: Fine
personas:
  - name: A
    voice: en-us
    prompt: You are A.
  - name: B
    prompt: You are B.
opener: A
opening: Hello there.
stop:
  maxTurns: 4
`;

/** Plays a scenario's script through the stop rule, as the runner does: the reason and line count. */
function scriptEnd(s: Scenario): { reason: string | null; lines: number } {
  const first: 0 | 1 = s.personas[0].name === s.opener ? 0 : 1;
  const texts = [s.opening, ...s.script];
  const lines: { speaker: 0 | 1; text: string }[] = [];
  for (const [i, text] of texts.entries()) {
    const reason = stopReason(lines, s.stop, 0);
    if (reason) return { reason, lines: lines.length };
    lines.push({ speaker: ((first + i) % 2) as 0 | 1, text });
  }
  return { reason: stopReason(lines, s.stop, 0), lines: lines.length };
}

describe('built-in scenarios', () => {
  const library = loadScenarios({ dirs: [BUILTIN_SCENARIO_DIR] });

  it('all validate', () => {
    expect(library.errors.map((e) => e.message)).toEqual([]);
    expect([...library.scenarios.keys()].sort()).toEqual(['goodbye', 'interpreter', 'support']);
  });

  it.each([
    ['goodbye', 'goodbye'],
    ['support', 'phrase'],
    ['interpreter', 'phrase'],
  ])('%s: the script ends by its stop rule, on its last line and not before', (name, reason) => {
    const s = findScenario(library, name);
    expect(s.personas[0].voice).not.toBe(s.personas[1].voice);
    expect(s.script.length).toBeGreaterThanOrEqual(8);
    expect(scriptEnd(s)).toEqual({ reason, lines: s.script.length + 1 });
  });
});

describe('stop rule', () => {
  const rule = { bothGoodbye: true, goodbyeWords: ['goodbye', 'bye'], maxTurns: 10, phrase: 'thank you all' };
  const line = (speaker: 0 | 1, text: string) => ({ speaker, text });

  it('goodbye needs both personas, one after the other', () => {
    expect(stopReason([line(0, 'Goodbye!'), line(1, 'Wait, one more thing.')], rule, 0)).toBeNull();
    expect(stopReason([line(0, 'Goodbye!'), line(1, 'Bye-bye then.')], rule, 0)).toBe('goodbye');
    // "by" and "goodbyes" are not goodbyes.
    expect(stopReason([line(0, 'Stand by.'), line(1, 'No goodbyes yet.')], rule, 0)).toBeNull();
  });

  it('a phrase matches whole words in any case; max turns and max time are caps', () => {
    expect(stopReason([line(1, 'Well, THANK you, all!')], rule, 0)).toBe('phrase');
    expect(stopReason([line(1, 'thank you allies')], rule, 0)).toBeNull();
    const ten = Array.from({ length: 10 }, (_, i) => line((i % 2) as 0 | 1, 'hm'));
    expect(stopReason(ten, rule, 0)).toBe('max-turns');
    expect(stopReason([line(0, 'hm')], { ...rule, maxSeconds: 5 }, 5_000)).toBe('max-time');
  });
});

describe('malformed scenario files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-scenarios-'));
  writeFileSync(join(dir, 'good.yaml'), GOOD);
  writeFileSync(join(dir, 'syntax.yaml'), 'title: [unclosed\n');
  writeFileSync(join(dir, 'voice.yaml'), GOOD.replace('voice: en-us', 'voice: 42'));
  writeFileSync(join(dir, 'opener.yaml'), GOOD.replace('opener: A', 'opener: Zed'));
  writeFileSync(join(dir, 'missing.yaml'), GOOD.replace('opening: Hello there.', ''));
  writeFileSync(join(dir, 'extra.json'), JSON.stringify({ title: 'x', persona: [] }));
  const library = loadScenarios({ dirs: [dir] });
  const error = (file: string) => library.errors.find((e) => e.file === join(dir, file));

  it('name the file, the field and the problem; the good file still loads', () => {
    expect([...library.scenarios.keys()]).toEqual(['good']);
    expect(library.errors).toHaveLength(5);
    expect(error('syntax.yaml')!.message).toMatch(/syntax\.yaml: not valid YAML/);
    expect(error('voice.yaml')).toMatchObject({ field: 'personas.0.voice' });
    expect(error('voice.yaml')!.message).toMatch(/voice\.yaml: personas\.0\.voice: .*string/i);
    expect(error('opener.yaml')!.message).toMatch(/opener\.yaml: opener: "Zed" is not a persona \(A or B\)/);
    expect(error('missing.yaml')).toMatchObject({ field: 'opening' });
    expect(error('extra.json')!.message).toMatch(/extra\.json: /);
  });

  it('asking for a broken scenario says why it did not load', () => {
    expect(() => findScenario(library, 'opener')).toThrow(/did not load: .*opener\.yaml: opener:/);
    expect(() => findScenario(library, 'nope')).toThrow(/unknown scenario "nope" \(known: good\)/);
  });
});
