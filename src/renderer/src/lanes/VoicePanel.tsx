import type { LaneSnapshot } from '../../../shared/protocol';
import { useServices } from '../app/services';
import { Meter } from '../app/Meter';
import { useAudioStore } from '../store/use-audio-store';
import { DEFAULT_LANE_VOICE, type MicMode } from '../store/audio-store';
import { ModelDownload } from './ModelDownload';
import { SpeechSettings } from './SpeechSettings';
import { SpeechNotices } from './SpeechNotices';

const MODES: { mode: MicMode; label: string; title: string }[] = [
  { mode: 'off', label: 'mic off', title: 'Type only' },
  { mode: 'open', label: 'open mic', title: 'Speak any time: the engine hears when you start and stop' },
  { mode: 'ptt', label: 'push to talk', title: 'Hold Space while you speak (not while typing in a field)' },
];

const STATE_TEXT: Record<LaneSnapshot['state'], string> = {
  idle: 'idle',
  listening: 'listening',
  'user-speaking': 'you are speaking',
  endpointing: 'end of turn?',
  thinking: 'thinking',
  speaking: 'speaking',
};

/** A lane's voice: mic mode, turn state, live transcript, and its speaker volume, pan and meter. */
export function VoicePanel({ lane }: { lane: LaneSnapshot }) {
  const { voice } = useServices();
  const laneId = lane.laneId;
  const view = useAudioStore((s) => s.lanes[laneId]) ?? DEFAULT_LANE_VOICE;
  const micStatus = useAudioStore((s) => s.mic.status);
  const micFailed = view.mode !== 'off' && !['on', 'starting', 'off'].includes(micStatus);
  const transcript = view.partial || view.final;
  return (
    <div className="voice" data-testid="voice-panel">
      <div className="voice-row">
        <div className="mic-modes" role="radiogroup" aria-label="Microphone mode">
          {MODES.map(({ mode, label, title }) => (
            <button
              type="button"
              role="radio"
              aria-checked={view.mode === mode}
              key={mode}
              title={title}
              className={view.mode === mode ? 'mode on' : 'mode'}
              data-testid={`mic-mode-${mode}`}
              onClick={() => voice.setMode(laneId, mode)}
            >
              {label}
            </button>
          ))}
        </div>
        <span
          className={`voice-state state-${micFailed ? 'mic-failed' : lane.state}${view.vadSpeech ? ' vad-on' : ''}`}
          data-testid="voice-state"
          data-state={lane.state}
          data-vad={view.vadSpeech ? 'speech' : 'silence'}
        >
          {micFailed
            ? 'no microphone'
            : view.mode === 'ptt' && view.pttDown
              ? 'talking (Space held)'
              : STATE_TEXT[lane.state]}
        </span>
        <span className="voice-out">
          <label className="slider">
            <span className="field-name">vol</span>
            <input
              type="range"
              min={0}
              max={1}
              step={0.01}
              value={view.volume}
              data-testid="voice-volume"
              onChange={(e) => voice.setVolume(laneId, Number(e.target.value))}
            />
          </label>
          <label className="slider">
            <span className="field-name">pan</span>
            <input
              type="range"
              min={-1}
              max={1}
              step={0.05}
              value={view.pan}
              data-testid="voice-pan"
              onChange={(e) => voice.setPan(laneId, Number(e.target.value))}
            />
          </label>
          <Meter
            read={() => voice.voiceLevel(laneId)}
            label="Voice level"
            testId="voice-meter"
            readText={() => {
              const n = voice.underruns(laneId);
              return n === 0 ? '' : `${n} underrun${n === 1 ? '' : 's'}`;
            }}
          />
        </span>
      </div>
      <SpeechSettings lane={lane} />
      <SpeechNotices laneId={laneId} />
      <ModelDownload laneId={laneId} />
      {transcript && (
        <p className={view.partial ? 'transcript partial' : 'transcript'} data-testid="transcript">
          {transcript}
          {!view.partial && view.sttMs !== null && (
            <span className="stt-ms"> · STT {Math.round(view.sttMs)} ms</span>
          )}
        </p>
      )}
    </div>
  );
}
