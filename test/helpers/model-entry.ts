/** A registry entry for a model folder written by a test: every file in it, with its size. */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ModelEntry, ModelFile } from '../../src/main/engine/models';

export async function localModelEntry(
  dir: string,
  fields: Pick<ModelEntry, 'id'> & Partial<ModelEntry>,
): Promise<ModelEntry> {
  const files: ModelFile[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else files.push({ path: path.relative(dir, p), sizeBytes: (await fs.stat(p)).size });
    }
  };
  await walk(dir);
  return {
    label: 'test model',
    purpose: 'tests',
    licence: 'MIT',
    licenceUrl: '',
    repo: 'org/test',
    revision: 'r',
    files,
    ...fields,
  };
}
