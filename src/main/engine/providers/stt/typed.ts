/** Typed input: the lane takes the presenter's typed text, so there is nothing to recognize. */
import { Stt } from './base';
import { SttError } from './errors';
import type { SttResult } from './types';

export class TypedStt extends Stt {
  readonly id = 'typed';
  readonly label = 'Typed input';
  override readonly acceptsAudio = false;

  /** Always an error: audio should never reach a typed lane's recognizer. */
  override recognize(): Promise<SttResult> {
    return Promise.reject(
      new SttError(
        'no_audio',
        'typed mode takes no audio: type the message, or choose a speech-to-text provider (--stt local, groq, …)',
      ),
    );
  }

  protected run(): Promise<string> {
    return this.recognize().then((r) => r.text);
  }
}
