import { useState } from 'react';
import type { LaneSnapshot } from '../../../shared/protocol';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';

const STT_CHOICES = [
  { spec: 'typed', label: 'typing only' },
  { spec: 'local:model=whisper-tiny.en', label: 'Whisper tiny (local, downloads once)' },
  { spec: 'local:model=moonshine-tiny', label: 'Moonshine tiny (local, 28 MB, downloads once)' },
  { spec: 'groq:model=whisper-large-v3-turbo', label: 'Groq Whisper (GROQ_API_KEY)' },
  { spec: 'openai:model=whisper-1', label: 'OpenAI Whisper (OPENAI_API_KEY)' },
];

/**
 * A lane's speech providers: the voice replies are spoken with (or text only) and how speech is
 * recognised. Any spec can be typed too, e.g. a self-hosted `openai-compatible:url=…` server.
 */
export function SpeechSettings({ lane }: { lane: LaneSnapshot }) {
  const { send } = useServices();
  const voices = useAppStore((s) => s.voices);
  const [draft, setDraft] = useState<{ kind: 'stt' | 'tts'; text: string } | null>(null);
  const laneId = lane.laneId;
  const voiceValue = lane.speech.tts === 'none' ? 'none' : lane.speech.tts;
  const knownVoice = voiceValue === 'none' || voices.some((v) => v.spec === voiceValue);
  const knownStt = STT_CHOICES.some((c) => c.spec === lane.speech.stt);
  const apply = (kind: 'stt' | 'tts', spec: string): void => {
    send({ type: 'lane.speech', laneId, [kind]: spec });
    setDraft(null);
  };
  return (
    <div className="speech-settings" data-testid="speech-settings">
      <label className="field">
        <span className="field-name">voice</span>
        <select
          data-testid="tts-select"
          value={knownVoice ? voiceValue : 'custom'}
          onChange={(e) =>
            e.target.value === 'custom'
              ? setDraft({ kind: 'tts', text: lane.speech.tts })
              : apply('tts', e.target.value === 'none' ? 'none' : e.target.value)
          }
        >
          <option value="none">text only (no speech)</option>
          {voices.map((v) => (
            <option key={v.id} value={v.spec}>
              {v.label}
            </option>
          ))}
          <option value="custom">{knownVoice ? 'other TTS spec…' : lane.speech.tts}</option>
        </select>
      </label>
      <label className="field">
        <span className="field-name">speech in</span>
        <select
          data-testid="stt-select"
          value={knownStt ? lane.speech.stt : 'custom'}
          onChange={(e) =>
            e.target.value === 'custom'
              ? setDraft({ kind: 'stt', text: lane.speech.stt })
              : apply('stt', e.target.value)
          }
        >
          {STT_CHOICES.map((c) => (
            <option key={c.spec} value={c.spec}>
              {c.label}
            </option>
          ))}
          <option value="custom">{knownStt ? 'other STT spec…' : lane.speech.stt}</option>
        </select>
      </label>
      {draft && (
        <form
          className="speech-spec"
          onSubmit={(e) => {
            e.preventDefault();
            if (draft.text.trim()) apply(draft.kind, draft.text.trim());
          }}
        >
          <input
            data-testid="speech-spec-input"
            value={draft.text}
            placeholder={
              draft.kind === 'tts'
                ? 'openai-compatible:url=http://127.0.0.1:8880/v1,model=kokoro,voice=af_heart'
                : 'openai-compatible:url=http://127.0.0.1:9000/v1,model=whisper-1'
            }
            onChange={(e) => setDraft({ ...draft, text: e.target.value })}
          />
          <button type="submit">apply</button>
        </form>
      )}
    </div>
  );
}
