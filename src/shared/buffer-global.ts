/**
 * ts-ebml (WebM duration and cues) calls a global `Buffer`, which Node has and a page does not.
 * Imported before ts-ebml, this gives the page the `buffer` package's Buffer under that name; in
 * Node `buffer` is Node's own module and nothing changes.
 */
import { Buffer } from 'buffer';

const scope = globalThis as { Buffer?: unknown };
scope.Buffer ??= Buffer;
