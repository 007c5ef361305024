/**
 * A lane's speech providers: the recognizer and the voice, each made from a spec and watched for the
 * notices its provider raises (lane-notice.ts), with the spec's text as the clients see it (any key
 * masked). A change is prepared first (a bad spec throws and nothing changes), then applied.
 */
import { formatSpeechSpec, parseSttSpec, parseTtsSpec, type SpeechSpec } from '../../shared/speech-spec';
import { watchedStt, watchedTts, type NoticeHost } from './lane-notice';
import type { SttPort, TtsPort } from './voice/ports';
import type { SpeechFactories } from './voice/speech-factories';

/** A speech spec as parsed where it entered, with the text the clients are shown (any key masked). */
interface KeptSpec {
  spec: SpeechSpec;
  shown: string;
}

const keep = (spec: SpeechSpec): KeptSpec => ({ spec, shown: formatSpeechSpec(spec) });

export interface SpeechChange {
  sttChanged: boolean;
  ttsChanged: boolean;
  /** Puts the new providers in place; returns the ones that are new (null: not changed, or no voice). */
  apply(): { stt: SttPort | null; tts: TtsPort | null };
}

export class LaneSpeech {
  stt: SttPort | null = null;
  tts: TtsPort | null = null;
  private sttSpec: KeptSpec = keep(parseSttSpec('typed'));
  private ttsSpec: KeptSpec = keep(parseTtsSpec('none'));

  constructor(
    private readonly factories: SpeechFactories,
    private readonly notices: NoticeHost,
  ) {}

  /** The specs as the clients see them. */
  get shown(): { stt: string; tts: string } {
    return { stt: this.sttSpec.shown, tts: this.ttsSpec.shown };
  }

  /** Parses and makes what `opts` asks for; throws on a bad spec, before anything changes. */
  prepare(opts: { stt?: string; tts?: string }): SpeechChange {
    const sttSpec = opts.stt === undefined ? undefined : keep(parseSttSpec(opts.stt));
    const ttsSpec = opts.tts === undefined ? undefined : keep(parseTtsSpec(opts.tts));
    const sttMade = sttSpec && this.factories.createStt(sttSpec.spec);
    const ttsMade = ttsSpec && this.factories.createTts(ttsSpec.spec);
    const stt = sttMade && watchedStt(this.notices, sttMade);
    const tts = ttsMade && watchedTts(this.notices, ttsMade);
    return {
      sttChanged: sttSpec !== undefined && sttSpec.shown !== this.sttSpec.shown,
      ttsChanged: ttsSpec !== undefined && ttsSpec.shown !== this.ttsSpec.shown,
      apply: () => {
        let newStt: SttPort | null = null;
        if (sttSpec && stt) {
          this.sttSpec = sttSpec;
          this.stt = newStt = stt;
        }
        if (ttsSpec && tts !== undefined) {
          this.ttsSpec = ttsSpec;
          this.tts = tts;
        }
        return { stt: newStt, tts: ttsSpec && tts !== undefined ? tts : null };
      },
    };
  }
}
