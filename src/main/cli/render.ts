/**
 * `dialtone render --scenario NAME [--lane SPEC]... [--max-turns N] [--size 1920x1080|1080x1920]
 * [--burn-captions] [--mic none] --out BASE.webm [--json]`: a race rendered to a showcase video in
 * real time (src/main/video/render-run.ts), with BASE.wav, BASE.vtt, BASE.srt and BASE.json beside
 * it. Everything a user can get wrong is checked before the engine or the browser starts.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LaneSpecError, parseLaneSpec } from '../../shared/lane-spec';
import { findScenario, loadScenarios } from '../engine/scenarios/loader';
import { errorMessage } from '../engine/errors';
import { findBrowser } from '../testing/browser';
import { renderRace, type RenderProgress } from '../video/render-run';
import { CliError, numberFlag, parse, printJson, say } from './args';
import { USAGES } from './usage';

const USAGE = USAGES.render;
const DEFAULT_LANES = ['fast', 'gpu'];
export const RENDER_SIZES = ['1920x1080', '1080x1920'] as const;

/** BASE (without `.webm`) when `out` names a .webm file in a folder that exists and can be written. */
export async function checkOut(out: string | undefined): Promise<string> {
  if (out === undefined || out.trim() === '')
    throw new CliError(`--out BASE.webm is required (dialtone render --help)`);
  if (!out.toLowerCase().endsWith('.webm')) throw new CliError(`--out must name a .webm file (got "${out}")`);
  const path = resolve(out);
  const folder = dirname(path);
  const folderStat = await stat(folder).catch(() => null);
  if (!folderStat?.isDirectory())
    throw new CliError(`cannot write --out ${out}: the folder ${folder} does not exist`);
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw new CliError(`cannot write --out ${out}: the folder ${folder} is not writable`);
  }
  if ((await stat(path).catch(() => null))?.isDirectory())
    throw new CliError(`cannot write --out ${out}: it is a folder`);
  return path.slice(0, -'.webm'.length);
}

function progressLine(expectedLines: number): { update: (p: RenderProgress) => void; end: () => void } {
  let lastPhase = '';
  return {
    update: (p) => {
      const done = Math.min(1, p.lines / expectedLines);
      const width = 24;
      const bar = '█'.repeat(Math.round(done * width)).padEnd(width, '░');
      const line = `render ${bar} ${p.lines}/~${expectedLines} lines · ${(p.elapsedMs / 1000).toFixed(1)} s · ${p.phase}`;
      if (process.stderr.isTTY) process.stderr.write(`\r${line}\x1b[K`);
      else if (p.phase !== lastPhase) say(line);
      lastPhase = p.phase;
    },
    end: () => {
      if (process.stderr.isTTY && lastPhase !== '') process.stderr.write('\n');
    },
  };
}

export async function renderCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      scenario: { type: 'string' },
      lane: { type: 'string', multiple: true },
      'max-turns': { type: 'string' },
      size: { type: 'string' },
      'burn-captions': { type: 'boolean' },
      mic: { type: 'string' },
      codec: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"\nusage: ${USAGE}`);
  const name = typeof values.scenario === 'string' ? values.scenario.trim() : '';
  if (name === '') throw new CliError(`--scenario NAME is required\nusage: ${USAGE}`);
  const library = loadScenarios({ env: process.env });
  let scenario;
  try {
    scenario = findScenario(library, name);
  } catch (err) {
    throw new CliError(errorMessage(err));
  }
  const laneSpecs = (values.lane as unknown as string[] | undefined) ?? DEFAULT_LANES;
  if (laneSpecs.length > 4) throw new CliError(`at most 4 --lane (got ${laneSpecs.length})`);
  try {
    for (const spec of laneSpecs) parseLaneSpec(spec);
  } catch (err) {
    if (err instanceof LaneSpecError) throw new CliError(err.message);
    throw err;
  }
  const maxTurns = numberFlag(values['max-turns'], 'max-turns', 1, 200);
  const size = typeof values.size === 'string' ? values.size : RENDER_SIZES[0];
  if (!(RENDER_SIZES as readonly string[]).includes(size))
    throw new CliError(`--size must be ${RENDER_SIZES.join(' or ')} (got "${size}")`);
  const [width, height] = size.split('x').map(Number) as [number, number];
  // Headless there is no microphone: the recording holds the lanes' voices only.
  if (values.mic !== undefined && values.mic !== 'none')
    throw new CliError(
      `--mic can only be "none" when rendering (got "${String(values.mic)}"); Record in the app mixes a microphone`,
    );
  const codec = values.codec;
  if (codec !== undefined && codec !== 'vp8' && codec !== 'vp9')
    throw new CliError(`--codec must be vp9 or vp8 (got "${String(codec)}")`);
  const outBase = await checkOut(typeof values.out === 'string' ? values.out : undefined);
  try {
    await findBrowser();
  } catch (err) {
    throw new CliError(errorMessage(err));
  }

  const perLane = Math.min(maxTurns ?? scenario.stop.maxTurns, scenario.script.length + 1);
  const progress = progressLine(perLane * laneSpecs.length);
  say(`Rendering "${scenario.title}" in real time (${size}), ${laneSpecs.join(' vs ')}…`);
  let result;
  try {
    result = await renderRace({
      scenario: { name: scenario.name, title: scenario.title },
      laneSpecs,
      ...(maxTurns !== undefined ? { maxTurns } : {}),
      width,
      height,
      burnCaptions: values['burn-captions'] === true,
      outBase,
      ...(codec !== undefined ? { codec } : {}),
      env: process.env,
      onProgress: progress.update,
      log: say,
    });
  } finally {
    progress.end();
  }
  const { run } = result;
  for (const lane of run.lanes) {
    say(
      `[${lane.label}] ${(lane.totalMs / 1000).toFixed(1)} s total, ${(lane.deadAirMs / 1000).toFixed(1)} s dead air, ` +
        `${lane.turns.length} lines (${lane.stoppedBy}${lane.error ? `: ${lane.error}` : ''})`,
    );
  }
  say(
    `Wrote ${result.video} (${(result.durationMs / 1000).toFixed(1)} s), ${result.audio}, ${result.subtitles.join(', ')}, ${result.json}`,
  );
  if (values.json === true) {
    printJson({
      video: result.video,
      audio: result.audio,
      subtitles: result.subtitles,
      run,
      durationMs: result.durationMs,
      width: result.width,
      height: result.height,
    });
  }
  const failed = run.lanes.filter((l) => l.stoppedBy === 'error');
  if (failed.length > 0) {
    throw new CliError(
      `${failed.length} of ${run.lanes.length} lanes stopped with an error (the files are written): ` +
        failed.map((l) => `[${l.label}] ${l.error ?? 'error'}`).join('; '),
    );
  }
}
