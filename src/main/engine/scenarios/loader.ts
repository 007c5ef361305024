/**
 * Scenario files: the built-ins in `assets/scenarios/` and the user's own folder
 * (`DIALTONE_SCENARIOS`, else `~/.config/dialtone/scenarios`). Every file is validated where it
 * enters; a bad file becomes an error naming the file, the field and the problem, and the other
 * scenarios still load. A user file with a built-in's name replaces the built-in.
 */
import { homedir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Scenario } from '../../../shared/scenario';
import { errorMessage } from '../errors';
import { readFolderFiles } from './folder-files';

/** From __filename, not __dirname: tsx's ESM loader sets only __filename right (see vad/silero.ts). */
export const BUILTIN_SCENARIO_DIR =
  process.env.DIALTONE_BUILTIN_SCENARIOS ??
  join(dirname(__filename), '..', '..', '..', '..', 'assets', 'scenarios');

/** A scenario file that could not be used. */
export class ScenarioFileError extends Error {
  override name = 'ScenarioFileError';
  constructor(
    readonly file: string,
    /** Dotted path of the field (`personas.0.voice`); empty when the whole file is at fault. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(field === '' ? `${file}: ${problem}` : `${file}: ${field}: ${problem}`);
  }
}

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
  builtin: boolean;
}

export interface ScenarioLibrary {
  scenarios: Map<string, LoadedScenario>;
  errors: ScenarioFileError[];
}

export function userScenarioDir(env: Record<string, string | undefined>): string {
  return env.DIALTONE_SCENARIOS ?? join(homedir(), '.config', 'dialtone', 'scenarios');
}

/** Parses one file's text; throws ScenarioFileError (the first problem found, with its field). */
export function parseScenario(text: string, file: string): Scenario {
  let data: unknown;
  try {
    data = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const detail = errorMessage(err).split('\n')[0];
    throw new ScenarioFileError(
      file,
      '',
      `not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${detail}`,
    );
  }
  const parsed = Scenario.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScenarioFileError(file, issue.path.map(String).join('.'), issue.message);
  }
  const name = parsed.data.name ?? basename(file, extname(file)).toLowerCase();
  return { ...parsed.data, name };
}

/** Reads every scenario file in the folders, later folders overriding earlier ones by name. */
export function loadScenarios(
  opts: { env?: Record<string, string | undefined>; dirs?: string[] } = {},
): ScenarioLibrary {
  const dirs = opts.dirs ?? [BUILTIN_SCENARIO_DIR, userScenarioDir(opts.env ?? process.env)];
  const { files, errors } = readFolderFiles(dirs, parseScenario, (where, err) =>
    err instanceof ScenarioFileError ? err : new ScenarioFileError(where, '', errorMessage(err)),
  );
  const library: ScenarioLibrary = { scenarios: new Map(), errors };
  for (const { value: scenario, file, folder } of files) {
    library.scenarios.set(scenario.name, {
      scenario,
      file,
      builtin: folder === 0 && opts.dirs === undefined,
    });
  }
  return library;
}

/** The named scenario, or an error listing the ones there are (and any file that failed). */
export function findScenario(library: ScenarioLibrary, name: string): Scenario {
  const found = library.scenarios.get(name);
  if (found) return found.scenario;
  const known = [...library.scenarios.keys()].sort().join(', ') || 'none';
  const broken = library.errors.find((e) => basename(e.file, extname(e.file)).toLowerCase() === name);
  throw new Error(
    broken
      ? `scenario "${name}" did not load: ${broken.message}`
      : `unknown scenario "${name}" (known: ${known})`,
  );
}
