/**
 * The recognizer worker's model table. Catches a model loaded twice for two lanes (twice the memory,
 * twice the wait), two recognitions running at once on one ONNX session, a failed load remembered
 * forever (a model fetched afterwards would never be used), and an unload that disposes a model
 * while a recognition is still running on it.
 */
import { describe, expect, it } from 'vitest';
import { LoadedModels } from '../../src/main/engine/providers/stt/loaded-models';

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('LoadedModels', () => {
  it('loads once per folder and runs recognitions on a model one at a time', async () => {
    let opened = 0;
    const models = new LoadedModels<{ dir: string }, { name: string }>(
      async (ref) => ({ name: `${ref.dir}#${++opened}` }),
      async () => {},
    );
    const [a, b] = await Promise.all([models.get({ dir: 'tiny' }), models.get({ dir: 'tiny' })]);
    expect(a).toBe(b);
    expect(opened).toBe(1);
    const log: string[] = [];
    const job = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
      return name;
    };
    expect(
      await Promise.all([models.run({ dir: 'tiny' }, job('one')), models.run({ dir: 'tiny' }, job('two'))]),
    ).toEqual(['one', 'two']);
    expect(log).toEqual(['one start', 'one end', 'two start', 'two end']);
  });

  it('forgets a failed load, so the next use loads again', async () => {
    let attempts = 0;
    const models = new LoadedModels<{ dir: string }, string>(
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('not downloaded');
        return 'model';
      },
      async () => {},
    );
    await expect(models.get({ dir: 'x' })).rejects.toThrow('not downloaded');
    await tick();
    expect(await models.get({ dir: 'x' })).toBe('model');
    expect(attempts).toBe(2);
  });

  it('disposes a model only after the recognition running on it is done', async () => {
    const log: string[] = [];
    const models = new LoadedModels<{ dir: string }, string>(
      async () => 'model',
      async () => {
        log.push('disposed');
      },
    );
    const running = models.run({ dir: 'x' }, async () => {
      await tick();
      log.push('recognized');
    });
    await models.get({ dir: 'x' });
    await models.unloadAll();
    await running;
    expect(log).toEqual(['recognized', 'disposed']);
  });
});
