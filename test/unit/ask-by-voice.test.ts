/**
 * Asking every lane by voice: which lanes must change before one held push-to-talk reaches them all.
 * Catches a lane left on typing (it would never hear the question), a lane switched to a different
 * speech-in than its neighbours (their transcription times would not compare), and changes sent to
 * lanes that are already set (each would cancel that lane's turn).
 */
import { describe, expect, it } from 'vitest';
import { voiceAskChanges } from '../../src/renderer/src/keys/voice-ask';

const FALLBACK = 'local:model=whisper-tiny.en';

describe('voiceAskChanges', () => {
  it('gives a typing-only lane the speech-in its neighbour uses and puts every microphone on push-to-talk', () => {
    const changes = voiceAskChanges(
      [
        { laneId: 'fast', stt: 'typed', mode: 'off' },
        { laneId: 'gpu', stt: 'groq:model=whisper-large-v3-turbo', mode: 'open' },
      ],
      FALLBACK,
    );
    expect(changes).toEqual([
      { laneId: 'fast', stt: 'groq:model=whisper-large-v3-turbo', mode: 'ptt' },
      { laneId: 'gpu', mode: 'ptt' },
    ]);
  });

  it('falls back to the default speech-in when no lane has one', () => {
    expect(
      voiceAskChanges(
        [
          { laneId: 'a', stt: 'typed', mode: 'ptt' },
          { laneId: 'b', stt: 'typed', mode: 'ptt' },
        ],
        FALLBACK,
      ),
    ).toEqual([
      { laneId: 'a', stt: FALLBACK },
      { laneId: 'b', stt: FALLBACK },
    ]);
  });

  it('changes nothing when every lane already hears on push-to-talk', () => {
    const ready = [
      { laneId: 'a', stt: FALLBACK, mode: 'ptt' as const },
      { laneId: 'b', stt: 'openai:model=whisper-1', mode: 'ptt' as const },
    ];
    expect(voiceAskChanges(ready, FALLBACK)).toEqual([]);
  });
});
