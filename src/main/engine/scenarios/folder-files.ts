/**
 * The YAML and JSON files of a list of folders (built-ins first, then the user's), each parsed, for
 * the scenario and demo-script libraries: a missing folder is skipped, a folder or file that cannot
 * be read or parsed becomes an error entry and never stops the others.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface FolderFile<T> {
  value: T;
  file: string;
  /** Index of its folder in the list (0: the first). */
  folder: number;
}

/** Folder by folder, files by name; `fail` turns what went wrong at a folder or file into its error. */
export function readFolderFiles<T, E>(
  dirs: readonly string[],
  parse: (text: string, file: string) => T,
  fail: (where: string, err: unknown) => E,
): { files: FolderFile<T>[]; errors: E[] } {
  const files: FolderFile<T>[] = [];
  const errors: E[] = [];
  dirs.forEach((dir, folder) => {
    if (!existsSync(dir)) return;
    let names: string[];
    try {
      names = readdirSync(dir)
        .filter((n) => EXTENSIONS.has(extname(n)))
        .sort();
    } catch (err) {
      errors.push(fail(dir, err));
      return;
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        files.push({ value: parse(readFileSync(file, 'utf8'), file), file, folder });
      } catch (err) {
        errors.push(fail(file, err));
      }
    }
  });
  return { files, errors };
}
