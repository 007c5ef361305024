import { useAppStore } from '../store/use-app-store';

const STAGE_NAMES = { tts: 'voice', stt: 'speech in' } as const;

/**
 * What the lane's speech providers said that is not an error: today, that one runs on the engine
 * thread (its worker did not start). It stays while that provider does — the figures on every lane
 * are late for as long as it runs, and a presenter comparing them must see why.
 */
export function SpeechNotices({ laneId }: { laneId: string }) {
  const notices = useAppStore((s) => s.notices[laneId]);
  if (!notices) return null;
  const shown = (['tts', 'stt'] as const).filter((stage) => notices[stage] !== undefined);
  if (shown.length === 0) return null;
  return (
    <ul className="speech-notices" data-testid="speech-notices">
      {shown.map((stage) => (
        <li
          key={stage}
          className="speech-notice"
          data-testid={`speech-notice-${stage}`}
          title={notices[stage]}
        >
          <strong>{STAGE_NAMES[stage]}</strong> on the engine thread — timings on every lane may be late while
          it runs. <span className="speech-notice-why">{notices[stage]}</span>
        </li>
      ))}
    </ul>
  );
}
