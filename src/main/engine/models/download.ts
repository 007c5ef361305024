/**
 * One file from a URL into place: streamed into `<dest>.partial`, resumed with an HTTP Range request
 * when a partial file is already there, verified (size, then SHA-256) and only then renamed to `dest`.
 * A dropped connection keeps the partial file for the next attempt; a mismatch deletes it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { netReason } from '../providers/llm/classify';

export interface DownloadTarget {
  url: string;
  dest: string;
  sizeBytes: number;
  sha256?: string;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** Called with the bytes of this file on disk so far (including a resumed prefix). */
  onBytes?: (bytes: number) => void;
  fetch?: typeof fetch;
}

/** The network failed (no answer, dropped connection, or an HTTP error status). */
export class DownloadNetworkError extends Error {
  override name = 'DownloadNetworkError';
  constructor(
    message: string,
    /** Worth trying again (a dropped connection, 5xx, 429); a 404 is not. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The bytes were not the expected file; the partial file has been deleted. */
export class DownloadVerifyError extends Error {
  override name = 'DownloadVerifyError';
}

export const partialPath = (dest: string): string => `${dest}.partial`;

export async function downloadFile(target: DownloadTarget, options: DownloadOptions = {}): Promise<void> {
  const { url, dest, sizeBytes } = target;
  const doFetch = options.fetch ?? fetch;
  const partial = partialPath(dest);
  await fs.mkdir(path.dirname(dest), { recursive: true });

  let have = await fileSize(partial);
  if (have > sizeBytes) {
    await fs.rm(partial, { force: true });
    have = 0;
  }
  if (have === sizeBytes) return finish(target, partial);

  const headers: Record<string, string> = {};
  if (have > 0) headers.Range = `bytes=${have}-`;
  let res: Response;
  try {
    res = await doFetch(url, { headers, signal: options.signal, redirect: 'follow' });
  } catch (err) {
    throw rethrow(err, url, options.signal);
  }
  if (res.status === 416 && have > 0) {
    // The server says our prefix is not a prefix of its file: start over.
    await res.body?.cancel();
    await fs.rm(partial, { force: true });
    return downloadFile(target, options);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
    throw new DownloadNetworkError(`${url} answered ${res.status}`, retryable);
  }
  if (res.status !== 206 || rangeStart(res.headers.get('content-range')) !== have) have = 0;

  const hash = createHash('sha256');
  if (have > 0) await hashFile(partial, hash);
  const file = await fs.open(partial, have > 0 ? 'a' : 'w');
  options.onBytes?.(have);
  try {
    if (!res.body) throw new DownloadNetworkError(`${url} sent no body`, true);
    const reader = res.body.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (err) {
        throw rethrow(err, url, options.signal);
      }
      if (chunk.done) break;
      have += chunk.value.byteLength;
      if (have > sizeBytes) {
        await reader.cancel().catch(() => undefined);
        break;
      }
      hash.update(chunk.value);
      await file.write(chunk.value);
      options.onBytes?.(have);
    }
  } finally {
    await file.close();
  }
  if (have < sizeBytes) {
    // The body ended cleanly but short: a connection that was cut without an error.
    throw new DownloadNetworkError(`${url} closed the connection at ${have} of ${sizeBytes} bytes`, true);
  }
  return finish(target, partial, hash.digest('hex'));
}

/** Size and hash check, then the atomic rename into place. */
async function finish(target: DownloadTarget, partial: string, digest?: string): Promise<void> {
  const size = await fileSize(partial);
  if (size !== target.sizeBytes) {
    await fs.rm(partial, { force: true });
    throw new DownloadVerifyError(
      `${path.basename(target.dest)} is ${size} bytes, expected ${target.sizeBytes}: deleted, not used`,
    );
  }
  if (target.sha256 !== undefined) {
    const actual = digest ?? (await hashFile(partial, createHash('sha256'))).digest('hex');
    if (actual !== target.sha256.toLowerCase()) {
      await fs.rm(partial, { force: true });
      throw new DownloadVerifyError(
        `${path.basename(target.dest)} failed its checksum (sha256 ${actual.slice(0, 12)}…, ` +
          `expected ${target.sha256.slice(0, 12)}…): deleted, not used`,
      );
    }
  }
  await fs.rename(partial, target.dest);
}

function rethrow(err: unknown, url: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? err;
  if (err instanceof DownloadNetworkError) return err;
  return new DownloadNetworkError(`could not reach ${url} (${netReason(err)})`, true, { cause: err });
}

/** `bytes 100-199/200` → 100. */
function rangeStart(header: string | null): number | undefined {
  const m = header === null ? null : /^bytes\s+(\d+)-/i.exec(header.trim());
  return m ? Number(m[1]) : undefined;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

async function hashFile(file: string, hash: ReturnType<typeof createHash>): Promise<typeof hash> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash;
}
