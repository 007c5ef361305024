/**
 * Provider keys, in the setup view. In the app (Electron) each provider has a write-only field: the
 * key goes to the main process, which stores it encrypted; the page learns only whether one is set.
 * In web mode keys come from the environment the engine was started with, and the panel says which.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { DialtoneApi, ProviderKeyStatus } from '../../../shared/preload-api';
import { errorMessage } from '../../../shared/error-message';
import { useAppStore } from '../store/use-app-store';

const bridge = (): DialtoneApi | undefined => (window as unknown as { dialtone?: DialtoneApi }).dialtone;

export function KeysPanel() {
  const api = bridge();
  const providers = useAppStore((s) => s.providers);
  const [status, setStatus] = useState<ProviderKeyStatus[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!api) return;
    api.getProviderKeys().then(setStatus, (err: unknown) => setProblem(errorMessage(err)));
  }, [api]);

  if (!api) {
    const names = providers.flatMap((p) => (p.keyEnv ? [p.keyEnv] : []));
    return (
      <section className="keys-panel" data-testid="keys-panel" aria-label="Provider keys">
        <h2>Provider keys</h2>
        <p>Keys come from the environment: {names.join(', ')}.</p>
        <ul>
          {providers
            .filter((p) => p.keyEnv)
            .map((p) => (
              <li key={p.id}>
                {p.label}: {p.keySet ? 'set' : 'not set'}
              </li>
            ))}
        </ul>
      </section>
    );
  }

  const run = (action: Promise<ProviderKeyStatus[]>): void => {
    setProblem(null);
    action.then(setStatus, (err: unknown) => setProblem(errorMessage(err)));
  };

  return (
    <section className="keys-panel" data-testid="keys-panel" aria-label="Provider keys">
      <h2>Provider keys</h2>
      <p>Stored encrypted on this computer. A key entered here is never shown again.</p>
      {problem && <p role="alert">{problem}</p>}
      <ul>
        {(status ?? []).map((s) => (
          <KeyRow
            key={s.provider}
            status={s}
            onSet={(key) => run(api.setProviderKey(s.provider, key))}
            onClear={() => run(api.clearProviderKey(s.provider))}
          />
        ))}
      </ul>
    </section>
  );
}

function KeyRow(props: { status: ProviderKeyStatus; onSet(key: string): void; onClear(): void }) {
  const { status } = props;
  const [draft, setDraft] = useState('');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!draft.trim()) return;
    props.onSet(draft);
    setDraft('');
  };
  const state = status.stored ? 'entered here' : status.set ? `from ${status.keyEnv}` : 'not set';
  return (
    <li>
      <form onSubmit={submit}>
        <label>
          {status.label} <span className="key-state">({state})</span>{' '}
          <input
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={status.set ? 'enter a new key to replace it' : 'paste the key'}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
          />
        </label>{' '}
        <button type="submit" disabled={!draft.trim()}>
          Save
        </button>
        {status.stored && (
          <button type="button" onClick={props.onClear}>
            Forget
          </button>
        )}
      </form>
    </li>
  );
}
