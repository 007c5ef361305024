/**
 * Speech models in the recognizer's worker: each loaded once per model folder and shared by every
 * lane, recognitions on one model run one at a time (an ONNX session is not re-entrant), and a load
 * that failed is forgotten so the next use tries again.
 */
export interface ModelRef {
  /** The model's folder: the key it is loaded under. */
  dir: string;
}

export class LoadedModels<R extends ModelRef, M> {
  private readonly byDir = new Map<string, { model: Promise<M>; queue: Promise<unknown> }>();

  constructor(
    private readonly open: (ref: R) => Promise<M>,
    private readonly dispose: (model: M) => Promise<unknown>,
  ) {}

  /** The model, loading it on first use. */
  get(ref: R): Promise<M> {
    return this.entry(ref).model;
  }

  /** Runs `job` on the model once the recognitions before it on the same model are done. */
  async run<T>(ref: R, job: (model: M) => Promise<T>): Promise<T> {
    const entry = this.entry(ref);
    const model = await entry.model;
    const run = entry.queue.then(() => job(model));
    entry.queue = run.catch(() => undefined);
    return run;
  }

  /** Forgets every model and disposes each once its recognitions are done. */
  async unloadAll(): Promise<void> {
    const all = [...this.byDir.values()];
    this.byDir.clear();
    await Promise.all(
      all.map(({ model, queue }) =>
        model.then(
          async (m) => {
            await queue;
            await this.dispose(m);
          },
          () => undefined,
        ),
      ),
    );
  }

  private entry(ref: R): { model: Promise<M>; queue: Promise<unknown> } {
    let entry = this.byDir.get(ref.dir);
    if (!entry) {
      const model = this.open(ref);
      entry = { model, queue: Promise.resolve() };
      this.byDir.set(ref.dir, entry);
      const created = entry;
      model.catch(() => {
        if (this.byDir.get(ref.dir) === created) this.byDir.delete(ref.dir);
      });
    }
    return entry;
  }
}
