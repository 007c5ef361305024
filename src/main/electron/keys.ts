/**
 * Provider keys entered in the app. Each is encrypted with Electron's `safeStorage` (the OS keychain
 * or its equivalent) and kept in `provider-keys.json` in the user data folder: only the encrypted
 * bytes reach the disk. The engine reads them as if they were environment variables (`env()` merged
 * into the env object its provider factories get). Nothing here ever returns a key to the renderer:
 * it learns only which providers have one.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LLM_PRESETS } from '../engine/providers/llm/presets';
import { rememberSecret } from '../../shared/redact';
import type { ProviderKeyStatus } from '../../shared/preload-api';

/** The part of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export const PROVIDER_KEYS_FILE = 'provider-keys.json';

/** Longest key accepted, characters. */
const MAX_KEY_CHARS = 4_096;

/** Providers a key can be entered for, with the variable the engine reads it from. */
export function keyedProviders(): { id: string; label: string; keyEnv: string }[] {
  return Object.entries(LLM_PRESETS).flatMap(([id, p]) =>
    p.keyEnv === undefined ? [] : [{ id, label: p.label, keyEnv: p.keyEnv }],
  );
}

export class KeyStoreError extends Error {}

export class ProviderKeyStore {
  /** keyEnv → encrypted bytes (base64), as on disk. */
  private encrypted: Record<string, string> = {};
  readonly file: string;

  constructor(
    dir: string,
    private readonly safeStorage: SafeStorageLike,
    /** The engine's env object: stored keys are merged in and kept current on set/clear. */
    private readonly engineEnv: Record<string, string | undefined>,
    /** The environment the app started with (a key there comes back when the stored one is cleared). */
    private readonly baseEnv: Readonly<Record<string, string | undefined>> = {},
  ) {
    this.file = path.join(dir, PROVIDER_KEYS_FILE);
  }

  /** Reads the stored keys into the engine's env. A file that cannot be read or decrypted is ignored with a warning. */
  async load(warn: (message: string) => void = (m) => console.warn(m)): Promise<void> {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        warn(`Dialtone: stored provider keys in ${this.file} could not be read; enter them again.`);
      }
      return;
    }
    const keys = (raw as { keys?: unknown } | null)?.keys;
    if (typeof keys !== 'object' || keys === null) return;
    const known = new Set(keyedProviders().map((p) => p.keyEnv));
    for (const [keyEnv, value] of Object.entries(keys)) {
      if (!known.has(keyEnv) || typeof value !== 'string') continue;
      try {
        const key = this.safeStorage.decryptString(Buffer.from(value, 'base64'));
        this.encrypted[keyEnv] = value;
        this.apply(keyEnv, key);
      } catch {
        warn(`Dialtone: the stored ${keyEnv} could not be decrypted; enter it again.`);
      }
    }
  }

  /** Which providers have a key, stored here or from the environment. Never the key itself. */
  status(): ProviderKeyStatus[] {
    return keyedProviders().map((p) => ({
      provider: p.id,
      label: p.label,
      keyEnv: p.keyEnv,
      stored: p.keyEnv in this.encrypted,
      set: Boolean(this.engineEnv[p.keyEnv]?.trim()),
    }));
  }

  async set(provider: unknown, key: unknown): Promise<ProviderKeyStatus[]> {
    const keyEnv = this.keyEnvOf(provider);
    if (typeof key !== 'string' || !key.trim()) throw new KeyStoreError('The key is empty.');
    const trimmed = key.trim();
    if (trimmed.length > MAX_KEY_CHARS || /\s/.test(trimmed)) {
      throw new KeyStoreError('That does not look like an API key (too long, or it has spaces).');
    }
    if (!this.safeStorage.isEncryptionAvailable()) {
      throw new KeyStoreError(
        `This system offers no secure storage for keys; set ${keyEnv} in the environment instead.`,
      );
    }
    const next = { ...this.encrypted, [keyEnv]: this.safeStorage.encryptString(trimmed).toString('base64') };
    await this.write(next);
    this.encrypted = next;
    this.apply(keyEnv, trimmed);
    return this.status();
  }

  async clear(provider: unknown): Promise<ProviderKeyStatus[]> {
    const keyEnv = this.keyEnvOf(provider);
    const next = { ...this.encrypted };
    delete next[keyEnv];
    await this.write(next);
    this.encrypted = next;
    const fromEnv = this.baseEnv[keyEnv];
    if (fromEnv === undefined) delete this.engineEnv[keyEnv];
    else this.engineEnv[keyEnv] = fromEnv;
    return this.status();
  }

  private apply(keyEnv: string, key: string): void {
    rememberSecret(key);
    this.engineEnv[keyEnv] = key;
  }

  private keyEnvOf(provider: unknown): string {
    const found = keyedProviders().find((p) => p.id === provider);
    if (!found) throw new KeyStoreError(`No key can be stored for "${String(provider)}".`);
    return found.keyEnv;
  }

  private async write(keys: Record<string, string>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ version: 1, keys }, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, this.file);
  }
}
