import { useMemo, useState, type KeyboardEvent } from 'react';
import { MAX_USER_TEXT_CHARS } from '../../../shared/protocol';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';
import { useLaneOrder } from '../store/use-lane-order';
import { useStageLanes } from '../stage/StageView';
import { useViewMode } from '../stage/view-store';
import { askEveryLane } from './demo-runner';
import { AskByVoice } from './AskByVoice';
import { stepTarget } from './Keys';

/**
 * One question to every lane at once, typed or spoken: the side-by-side comparison on a human
 * question. Enter sends; each lane gets its own `chat.send`, as if typed into its composer; spoken,
 * each lane hears it through its own speech-in (AskByVoice). On stage it asks
 * the lanes on stage (after a race, only the race's lanes), in setup every lane; the label says how
 * many it will ask.
 */
export function AskBoth() {
  const services = useServices();
  const target = useMemo(() => stepTarget(services), [services]);
  const all = useLaneOrder();
  const onStage = useStageLanes();
  const lanes = useViewMode() === 'stage' ? onStage : all;
  const laneCount = lanes.length;
  const connected = useAppStore((s) => s.connection.status === 'open');
  const [text, setText] = useState('');
  const canSend = connected && laneCount > 0 && text.trim() !== '';
  const submit = (): void => {
    if (canSend && askEveryLane(target, text, lanes) > 0) setText('');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };
  if (laneCount < 2) return null;
  return (
    <div className="ask-both" data-testid="ask-both">
      <input
        type="text"
        className="ask-both-input"
        data-testid="ask-both-input"
        aria-label={`Ask all ${laneCount} lanes`}
        maxLength={MAX_USER_TEXT_CHARS}
        placeholder={`Ask all ${laneCount} lanes the same question — Enter sends`}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <button type="button" data-testid="ask-both-send" disabled={!canSend} onClick={submit}>
        Ask all {laneCount}
      </button>
      <AskByVoice lanes={lanes} />
    </div>
  );
}
