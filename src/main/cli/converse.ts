/**
 * `dialtone converse --scenario NAME [--lane SPEC]... [--max-turns N] [--no-speech] [--out FILE.wav]
 * [--live] [--json]`: two bots talk, on one to four lanes side by side (default: `fast` and `gpu`),
 * through the same engine and messages as the app. Speech is synthesized and timed in real time on a
 * virtual speaker, which plays nothing aloud; --out writes what a listener would have heard (each
 * lane panned, 48 kHz stereo). With --no-speech it takes no time (a text race: each gap runs from the
 * moment the previous reply's text was complete to this reply's first speakable chunk). Progress
 * lines and the winner go to stderr; --json prints one object last.
 */
import type { EngineEvent } from '../../shared/protocol';
import { LaneSpecError, parseLaneSpec } from '../../shared/lane-spec';
import { startEngine } from '../engine';
import type { EngineClient } from '../engine/engine';
import { findScenario, loadScenarios } from '../engine/scenarios/loader';
import { redact } from '../../shared/redact';
import { raceResult } from '../../shared/race-result';
import { runJson } from '../../shared/run-json';
import { defaultPans, SpeechMix } from '../engine/conversation/speech-mix';
import { writeFile } from 'node:fs/promises';
import { checkWritable } from './out-path';
import { CliError, numberFlag, parse, printJson, say } from './args';
import { USAGES } from './usage';
import { errorMessage } from '../engine/errors';
import { encodeStereoWav } from '../engine/audio/wav';

const USAGE = USAGES.converse;
const DEFAULT_LANES = ['fast', 'gpu'];

type Finished = Extract<EngineEvent, { type: 'scenario.finished' }>;

export async function converseCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      scenario: { type: 'string' },
      lane: { type: 'string', multiple: true },
      'max-turns': { type: 'string' },
      'no-speech': { type: 'boolean' },
      out: { type: 'string' },
      live: { type: 'boolean' },
      list: { type: 'boolean' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const json = values.json === true;
  const library = loadScenarios({ env: process.env });
  for (const err of library.errors) say(`warning: ${err.message}`);
  if (values.list === true) {
    const list = [...library.scenarios.values()].map(({ scenario, file }) => ({
      name: scenario.name,
      title: scenario.title,
      file,
    }));
    if (json) printJson({ scenarios: list, errors: library.errors.map((e) => e.message) });
    else for (const s of list) say(`${s.name.padEnd(14)} ${s.title}  (${s.file})`);
    return;
  }
  const name = typeof values.scenario === 'string' ? values.scenario : undefined;
  if (name === undefined || name.trim() === '')
    throw new CliError(`--scenario NAME is required\nusage: ${USAGE}`);
  let scenario;
  try {
    scenario = findScenario(library, name.trim());
  } catch (err) {
    throw new CliError(errorMessage(err));
  }
  const laneSpecs = (values.lane as unknown as string[] | undefined) ?? DEFAULT_LANES;
  if (laneSpecs.length > 4) throw new CliError(`at most 4 --lane (got ${laneSpecs.length})`);
  for (const spec of laneSpecs) parseLaneSpec(spec); // a LaneSpecError names the bad spec
  const maxTurns = numberFlag(values['max-turns'] as string | undefined, 'max-turns', 1, 200);
  const speech = values['no-speech'] !== true;
  const out = typeof values.out === 'string' ? values.out : undefined;
  if (out !== undefined && !speech)
    throw new CliError("--out writes the race's speech, and --no-speech has none: drop one of them");
  // Before the race: a minute of speech must not end in "cannot write".
  if (out !== undefined) await checkWritable(out, 'out');
  const laneIds = laneSpecs.map((_, i) => `lane-${i + 1}`);
  const pans = defaultPans(laneIds.length);
  const mix = out === undefined ? null : new SpeechMix(new Map(laneIds.map((id, i) => [id, pans[i]!])));
  if (speech && out === undefined)
    say('speech is synthesized and timed in real time but not played: add --out race.wav to hear it');

  const engine = await startEngine({ env: process.env });
  try {
    const events: EngineEvent[] = [];
    const finished = new Map<string, Finished>();
    let failure: string | null = null;
    let wake: () => void = () => {};
    const client: EngineClient = {
      send: (event) => {
        events.push(event);
        if (event.type === 'scenario.started') {
          for (const w of event.warnings) say(`warning: ${w}`);
          say(
            `${event.title} — ${event.lanes.map((l) => l.label).join(' vs ')}${event.speech ? '' : ' (text race)'}`,
          );
        } else if (event.type === 'scenario.progress') {
          const label = laneLabel(events, event.laneId);
          const gap = event.gapMs === null ? '' : ` (gap ${Math.round(event.gapMs)} ms)`;
          say(`[${label}] ${event.speaker}: ${event.text}${gap}`);
        } else if (event.type === 'scenario.finished') {
          finished.set(event.laneId, event);
          say(
            `[${event.label}] finished: ${fmtS(event.totalMs)} total, ${fmtS(event.deadAirMs)} dead air, ` +
              `${event.turns} turns, mean gap ${event.meanGapMs === null ? '–' : Math.round(event.meanGapMs)} ms` +
              ` (${event.stoppedBy}${event.error ? `: ${event.error}` : ''})`,
          );
        } else if (event.type === 'error' && event.laneId === undefined) {
          failure = event.message;
        } else if (event.type === 'error') {
          say(`[${laneLabel(events, event.laneId ?? '')}] error (${event.stage}): ${event.message}`);
        }
        wake();
      },
      sendBinary: () => {},
    };
    engine.engine.connect(client);
    const stop = (): void => engine.engine.handle(client, { type: 'scenario.stop' });
    process.once('SIGINT', stop);
    engine.engine.handle(client, {
      type: 'scenario.start',
      scenario: scenario.name,
      // The label is the spec as typed, masked: it is printed on every progress line and in the JSON.
      lanes: laneSpecs.map((spec, i) => ({ laneId: laneIds[i]!, spec, label: redact(spec) })),
      ...(maxTurns !== undefined ? { maxTurns } : {}),
      speech,
      ...(values.live === true ? { live: true } : {}),
    });
    // The race starts synchronously when none runs (none does in this process); its first frame comes later.
    if (mix !== null) engine.engine.race?.tapSpeech(mix);
    while (failure === null && finished.size < laneSpecs.length) {
      await new Promise<void>((resolve) => (wake = resolve));
    }
    process.removeListener('SIGINT', stop);
    if (failure !== null) throw new CliError(failure);
    const run = runJson(scenario.name, laneIds, events, { speech, playbackTimes: false });
    const { lanes } = run;
    say(raceResult(lanes).text);
    const audio = out !== undefined && mix !== null ? await writeMix(mix, out, laneIds.length) : undefined;
    if (json) printJson({ ...run, ...(audio ? { audio } : {}) });
    // Like `chat` when its provider fails: exit 1, after every lane's result is out.
    const failed = lanes.filter((l) => l.stoppedBy === 'error');
    if (failed.length > 0) {
      throw new CliError(
        `${failed.length} of ${lanes.length} lanes stopped with an error: ` +
          failed.map((l) => `[${l.label}] ${l.error ?? 'error'}`).join('; '),
      );
    }
  } catch (err) {
    if (err instanceof LaneSpecError) throw new CliError(err.message);
    throw err;
  } finally {
    await engine.close();
  }
}

/** Writes the mix of what the listener heard and says where; the figures go in the JSON. */
async function writeMix(
  mix: SpeechMix,
  out: string,
  laneCount: number,
): Promise<{ path: string; durationMs: number; sampleRate: number; mixMs: number }> {
  const startMs = performance.now();
  const { left, right, sampleRate } = mix.mix();
  const mixMs = performance.now() - startMs;
  try {
    await writeFile(out, encodeStereoWav(left, right, sampleRate));
  } catch (err) {
    throw new CliError(`cannot write --out ${out}: ${errorMessage(err)}`);
  }
  const durationMs = (left.length * 1000) / sampleRate;
  const where =
    laneCount === 1
      ? 'centre'
      : laneCount === 2
        ? 'lane 1 left, lane 2 right'
        : 'lane 1 left … last lane right';
  say(
    `wrote ${out}: ${fmtS(durationMs)} of speech as heard, ${sampleRate / 1000} kHz stereo (${where}), mixed in ${Math.round(mixMs)} ms`,
  );
  return { path: out, durationMs, sampleRate, mixMs };
}

function laneLabel(events: EngineEvent[], laneId: string): string {
  for (const e of events) {
    if (e.type === 'scenario.started') return e.lanes.find((l) => l.laneId === laneId)?.label ?? laneId;
  }
  return laneId;
}

const fmtS = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
