/** `none`: text-only lanes. Speaks nothing, instantly. */
import { Tts } from './tts';

export class NoTts extends Tts {
  readonly id = 'none';
  readonly label = 'No speech';
  readonly sampleRate = 24_000;

  // eslint-disable-next-line require-yield
  protected async *run(): AsyncIterable<Int16Array> {
    return;
  }
}
