/**
 * `dialtone models list [--json]` — the known models, their size, licence and whether they are cached.
 * `dialtone models fetch ID [--json]` — download one (progress on stderr; resumes, verifies).
 * The cache is `$DIALTONE_DATA_DIR/models` or the platform data folder; `DIALTONE_MODEL_MIRROR` replaces
 * the hub's address (same `<repo>/resolve/<revision>/<path>` layout).
 */
import { ModelManager } from '../engine/models/manager';
import { ModelMissingError, ModelVerifyError, UnknownModelError } from '../engine/models/errors';
import { CliError, parse, printJson, say } from './args';
import { mb, progressPrinter } from './progress';
import { USAGES } from './usage';

const USAGE = USAGES.models;

export async function modelsCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {}, USAGE);
  const json = values.json === true;
  const [action, id, ...extra] = positionals;
  const manager = new ModelManager({ env: process.env });
  if (action === 'list' && id === undefined) {
    const models = await Promise.all(manager.list().map((m) => manager.status(m.id)));
    if (json) {
      printJson({
        dir: manager.root,
        models: models.map((s) => ({
          id: s.entry.id,
          purpose: s.entry.purpose,
          licence: s.entry.licence,
          sizeBytes: s.sizeBytes,
          cached: s.cached,
          pinned: s.pinned,
          dir: s.dir,
        })),
      });
      return;
    }
    say(`models in ${manager.root}:`);
    for (const s of models) {
      const state = s.cached
        ? 'cached'
        : `not downloaded (${s.missing.length} of ${s.entry.files.length} files missing)`;
      say(
        `  ${s.entry.id.padEnd(18)} ${mb(s.sizeBytes).padStart(8)}  ${s.entry.licence.padEnd(11)} ${state}` +
          `${s.pinned ? '' : ' — checksum not pinned'}\n  ${''.padEnd(18)} ${s.entry.purpose}`,
      );
    }
    return;
  }
  if (action === 'fetch' && id !== undefined && extra.length === 0) {
    const abort = new AbortController();
    process.once('SIGINT', () =>
      abort.abort(new CliError('cancelled; run the same command again to resume')),
    );
    const progress = progressPrinter();
    try {
      const location = await manager.ensure(id, {
        offline: false,
        signal: abort.signal,
        onProgress: progress.onProgress,
      });
      progress.end();
      if (json) printJson({ id, dir: location.dir, sizeBytes: (await manager.status(id)).sizeBytes });
      else say(`${id}: ready in ${location.dir}`);
    } catch (err) {
      progress.end();
      if (err instanceof ModelMissingError) {
        throw new CliError(
          `could not fetch ${id}: ${err.reason}; partial files are kept, run again to resume`,
        );
      }
      if (err instanceof ModelVerifyError || err instanceof UnknownModelError)
        throw new CliError(err.message);
      throw err;
    }
    return;
  }
  throw new CliError(`usage: ${USAGE}`);
}
