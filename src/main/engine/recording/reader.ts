/**
 * Reads a recording, refusing anything that is not one with a message naming the file and the
 * problem: missing, unreadable, not JSON, not a Dialtone recording, another version, damaged.
 */
import { readFileSync } from 'node:fs';
import {
  RECORDING_FORMAT,
  RECORDING_VERSION,
  Recording,
  RecordingError,
  startsLikeRecording,
} from './format';

export function readRecording(file: string): Recording {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RecordingError(`recording ${file} does not exist`);
    if (code === 'EISDIR') throw new RecordingError(`recording ${file} is a folder, not a file`);
    throw new RecordingError(`recording ${file} cannot be read (${code ?? String(err)})`);
  }
  return parseRecording(text, file);
}

/** Parses the text of a recording; `file` only names it in errors. */
export function parseRecording(text: string, file: string): Recording {
  // Errors say what the file is not, never what it holds: the parser's message quotes the content,
  // and `replay:file=/etc/passwd` must not print the first bytes of that file.
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    if (startsLikeRecording(text)) {
      throw new RecordingError(`recording ${file} is not valid JSON (corrupt or truncated?)`);
    }
    throw new RecordingError(`${file} is not a Dialtone recording (not JSON)`);
  }
  if (typeof raw !== 'object' || raw === null || (raw as { format?: unknown }).format !== RECORDING_FORMAT) {
    throw new RecordingError(`${file} is not a Dialtone recording (JSON without the recording format field)`);
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== RECORDING_VERSION) {
    throw new RecordingError(
      `recording ${file} is version ${JSON.stringify(version)}; this Dialtone reads version ${RECORDING_VERSION}`,
    );
  }
  const parsed = Recording.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    throw new RecordingError(`recording ${file} is damaged: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  for (const [t, turn] of parsed.data.turns.entries()) {
    for (let i = 1; i < turn.events.length; i++) {
      if (turn.events[i]!.offsetMs < turn.events[i - 1]!.offsetMs) {
        throw new RecordingError(`recording ${file} is damaged: turns.${t}.events.${i}: times go backwards`);
      }
    }
  }
  return parsed.data;
}
