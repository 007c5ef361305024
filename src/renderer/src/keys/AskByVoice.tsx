import { DEFAULT_LANE_SPEECH, useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { useAudioStore } from '../store/use-audio-store';
import { voiceAskChanges } from './voice-ask';

/**
 * The spoken half of the ask-all composer. Until every lane can hear, one click sets them up (speech-in
 * and push-to-talk); then holding this button, or Space, asks them all at once.
 */
export function AskByVoice({ lanes }: { lanes: readonly string[] }) {
  const { send, voice } = useServices();
  const stt = useAppStore((s) => lanes.map((id) => s.lanes[id]?.speech.stt ?? 'typed').join('\n'));
  const modes = useAudioStore((s) => lanes.map((id) => s.lanes[id]?.mode ?? 'off').join('\n'));
  const held = useAudioStore((s) => lanes.some((id) => s.lanes[id]?.pttDown === true));
  const sttOf = stt.split('\n');
  const modeOf = modes.split('\n') as ('off' | 'open' | 'ptt')[];
  const changes = voiceAskChanges(
    lanes.map((laneId, i) => ({ laneId, stt: sttOf[i]!, mode: modeOf[i]! })),
    DEFAULT_LANE_SPEECH.stt,
  );
  if (changes.length > 0) {
    const setUp = (): void => {
      for (const change of changes) {
        if (change.stt !== undefined) send({ type: 'lane.speech', laneId: change.laneId, stt: change.stt });
        if (change.mode !== undefined) voice.setMode(change.laneId, change.mode);
      }
    };
    return (
      <button
        type="button"
        data-testid="ask-both-voice-setup"
        title="Gives each lane a speech-in and puts its microphone on push-to-talk"
        onClick={setUp}
      >
        Voice too
      </button>
    );
  }
  return (
    <button
      type="button"
      className={held ? 'ask-both-talk held' : 'ask-both-talk'}
      data-testid="ask-both-talk"
      aria-pressed={held}
      title="Hold this button or Space and ask out loud: every lane hears the same words through its own speech-in"
      onPointerDown={() => voice.talk(true)}
      onPointerUp={() => voice.talk(false)}
      onPointerLeave={() => voice.talk(false)}
    >
      {held ? 'Listening…' : 'Hold to speak'}
    </button>
  );
}
