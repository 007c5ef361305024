/**
 * One redaction path for every message that leaves the engine: errors, logs, lane snapshots,
 * recordings, CLI output. It masks what a secret looks like in text — `key=VALUE` in a spec,
 * `user:pass@` in a URL, an `Authorization` / `Bearer` credential — and every key value this process
 * has handed to a provider (`rememberSecret`), wherever it appears: a provider that echoes the key
 * in an error body is masked too.
 */

/** What a masked secret reads as. */
export const MASK = '***';

/** Key values shorter than this are not masked by value (a one-letter "key" would mask every word). */
const MIN_SECRET_CHARS = 4;

const known = new Set<string>();

/** Adds a key value to the set masked wherever it appears. Call it where a key is read. */
export function rememberSecret(value: string | undefined): void {
  const v = value?.trim();
  if (v !== undefined && v.length >= MIN_SECRET_CHARS && v !== MASK) known.add(v);
}

/**
 * `key=VALUE` (also `api_key=`, `apikey=`) up to the next separator. "…", "***" and "value" are
 * advice, masks and placeholders ("is not key=value"), not keys, and stay as they are.
 */
const SPEC_KEY =
  /(^|[^A-Za-z0-9])((?:api[_-]?)?key=)(?!(?:…|\*\*\*|value)(?:$|[,\s&"'<>()\]]))[^,\s&"'<>()\]]+/gi;
/** `scheme://user:pass@` or `scheme://user@` — both the name and the password go. */
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@,"'<>]+@/gi;
/** `Authorization: Basic x`, `Bearer x`, `authorization=x`. */
const AUTH_HEADER = /\b(authorization["']?\s*[:=]\s*["']?)(?:(bearer|basic)\s+)?[^\s,"'<>]+/gi;
const BEARER = /\b(bearer|basic)\s+(?!\*\*\*)[A-Za-z0-9._~+/=-]{4,}/gi;

/** Cheap test for text none of the patterns can match (most event text): one scan, not four. */
const MAYBE_SECRET = /key=|@|bearer|basic|authorization/i;

/** The text with every secret it could carry replaced by `***`. */
export function redact(text: string): string {
  let out = !MAYBE_SECRET.test(text)
    ? text
    : text
        .replace(SPEC_KEY, `$1$2${MASK}`)
        .replace(URL_USERINFO, `$1${MASK}@`)
        .replace(AUTH_HEADER, (_m, head: string, scheme: string | undefined) =>
          scheme === undefined ? `${head}${MASK}` : `${head}${scheme} ${MASK}`,
        )
        .replace(BEARER, `$1 ${MASK}`);
  for (const secret of known) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out;
}

/**
 * A copy of `value` with every string in it redacted; the same object when nothing needed masking,
 * so a clean event costs a walk and no copy.
 */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') {
    const masked = redact(value);
    return (masked === value ? value : masked) as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null;
    value.forEach((item: unknown, i) => {
      const masked = redactDeep(item);
      if (masked !== item) (copy ??= [...value])[i] = masked;
    });
    return (copy ?? value) as T;
  }
  if (typeof value === 'object' && value !== null) {
    let copy: Record<string, unknown> | null = null;
    for (const [k, item] of Object.entries(value)) {
      const masked = redactDeep(item);
      if (masked !== item) (copy ??= { ...(value as Record<string, unknown>) })[k] = masked;
    }
    return (copy ?? value) as T;
  }
  return value;
}
