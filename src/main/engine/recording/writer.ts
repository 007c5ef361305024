/**
 * RunRecorder: collects a lane's turns and rewrites the whole file after each one (to a temporary
 * file, then renamed), so a run cut short by a crash or a closed laptop keeps every finished turn.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { RECORDING_FORMAT, RECORDING_VERSION, RecordingError } from './format';
import type { RecordedTurn, Recording } from './format';

export interface RecordingHeader {
  provider: Recording['provider'];
  /** Already masked: no key may reach this point. */
  spec: string;
}

export class RunRecorder {
  private readonly recording: Recording;

  /** Writes an empty recording at once, so a path that cannot be written fails before the first turn. */
  constructor(
    readonly file: string,
    header: RecordingHeader,
  ) {
    this.recording = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      recordedAt: new Date().toISOString(),
      provider: { ...header.provider },
      spec: header.spec,
      turns: [],
    };
    this.write();
  }

  /** The next turn's 1-based index. */
  nextIndex(): number {
    return this.recording.turns.length + 1;
  }

  /** Appends a turn and rewrites the file. Throws RecordingError when the file cannot be written. */
  addTurn(turn: RecordedTurn): void {
    this.recording.turns.push(turn);
    this.write();
  }

  private write(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.recording) + '\n');
      renameSync(tmp, this.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new RecordingError(`cannot write recording ${this.file} (${code})`);
    }
  }
}
