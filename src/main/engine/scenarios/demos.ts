/**
 * Demo script files: the built-ins in `assets/demos/` and the user's own in `demos/` inside the
 * user's scenarios folder (`DIALTONE_SCENARIOS`, else `~/.config/dialtone/scenarios`; the scenario
 * loader skips folders, so the two never mix). Every file is validated where it enters; a bad file
 * becomes one message naming the file, the step and the field, and the other scripts still load. A
 * user file with a built-in's name replaces the built-in.
 */
import { basename, dirname, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DemoScriptError, parseDemoScript, type DemoScript } from '../../../shared/demo-script';
import type { EngineEvent } from '../../../shared/protocol';
import { errorMessage } from '../errors';
import { readFolderFiles } from './folder-files';
import { userScenarioDir } from './loader';

/** From __filename, not __dirname (see loader.ts). */
export const BUILTIN_DEMO_DIR =
  process.env.DIALTONE_BUILTIN_DEMOS ?? join(dirname(__filename), '..', '..', '..', '..', 'assets', 'demos');

export interface LoadedDemo {
  script: DemoScript;
  file: string;
  builtin: boolean;
}

export interface DemoLibrary {
  demos: Map<string, LoadedDemo>;
  errors: DemoScriptError[];
}

export function userDemoDir(env: Record<string, string | undefined>): string {
  return join(userScenarioDir(env), 'demos');
}

/** Parses one file's text; throws DemoScriptError (the first problem found). */
export function parseDemoFile(text: string, file: string): DemoScript {
  const json = extname(file) === '.json';
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const detail = errorMessage(err).split('\n')[0] ?? '';
    throw new DemoScriptError(file, 0, '', `not valid ${json ? 'JSON' : 'YAML'}: ${detail}`);
  }
  return parseDemoScript(data, file, basename(file, extname(file)).toLowerCase());
}

/** Reads every demo file in the folders, later folders overriding earlier ones by name. */
export function loadDemos(
  opts: { env?: Record<string, string | undefined>; dirs?: string[] } = {},
): DemoLibrary {
  const dirs = opts.dirs ?? [BUILTIN_DEMO_DIR, userDemoDir(opts.env ?? process.env)];
  const { files, errors } = readFolderFiles(dirs, parseDemoFile, (where, err) =>
    err instanceof DemoScriptError ? err : new DemoScriptError(where, 0, '', errorMessage(err)),
  );
  const library: DemoLibrary = { demos: new Map(), errors };
  for (const { value: script, file, folder } of files) {
    library.demos.set(script.name, { script, file, builtin: folder === 0 && opts.dirs === undefined });
  }
  return library;
}

/** The `demo.list` event: every script that loaded (built-ins first, then by name) and every file that did not. */
export function listDemos(
  env: Record<string, string | undefined>,
): Extract<EngineEvent, { type: 'demo.list' }> {
  const library = loadDemos({ env });
  const demos = [...library.demos.values()]
    .sort((a, b) => Number(b.builtin) - Number(a.builtin) || a.script.name.localeCompare(b.script.name))
    .map((d) => ({ ...d.script, builtin: d.builtin }));
  return { type: 'demo.list', demos, errors: library.errors.map((e) => e.message) };
}
