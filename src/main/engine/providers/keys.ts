/**
 * The one place a provider key is read, for every stage (LLM, STT, TTS) and every front end (the app,
 * `dialtone chat`, `converse`, `transcribe`, `say`, `web`): `key=` in the spec wins, else the preset's
 * environment variable. Each factory takes `env` as a required dependency, so a command cannot build a
 * provider without saying where keys come from. Every key read is remembered for redaction.
 */
import { rememberSecret } from '../../../shared/redact';

/** Where keys come from: process.env in the app and the CLI, a plain object in tests. */
export type ProviderEnv = Readonly<Record<string, string | undefined>>;

export interface ReadKey {
  key: string | undefined;
  /** Where it came from: the spec's `key=`, the environment variable, or nowhere. */
  source: 'spec' | 'env' | 'none';
}

/** The key to send, trimmed; an empty value counts as none. */
export function readProviderKey(
  explicit: string | undefined,
  keyEnv: string | undefined,
  env: ProviderEnv,
): ReadKey {
  const fromSpec = explicit?.trim();
  if (fromSpec) {
    rememberSecret(fromSpec);
    return { key: fromSpec, source: 'spec' };
  }
  const fromEnv = keyEnv === undefined ? undefined : env[keyEnv]?.trim();
  if (fromEnv) {
    rememberSecret(fromEnv);
    return { key: fromEnv, source: 'env' };
  }
  return { key: undefined, source: 'none' };
}
