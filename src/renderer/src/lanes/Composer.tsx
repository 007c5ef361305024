import { useState, type KeyboardEvent } from 'react';
import { MAX_USER_TEXT_CHARS } from '../../../shared/protocol';
import { useServices } from '../app/services';
import { useAppStore } from '../store/use-app-store';

interface Props {
  laneId: string;
  busy: boolean;
  connected: boolean;
  onCancel(): void;
}

/** Typed input: Enter sends, Shift+Enter adds a line, Esc (anywhere in the lane) cancels the turn. */
export function Composer({ laneId, busy, connected, onCancel }: Props) {
  const { send, store } = useServices();
  const [text, setText] = useState('');
  // Sending while a reply streams or plays interrupts it (the engine keeps only what was heard);
  // only a message still on its way to the engine blocks the next one.
  const sending = useAppStore((s) => s.turns[laneId]?.status === 'sending');
  const canSend = connected && !sending && text.trim() !== '';

  const submit = (): void => {
    const message = text.trim();
    if (!canSend) return;
    if (send({ type: 'chat.send', laneId, text: message })) {
      store.getState().noteSending(laneId, message);
      setText('');
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  return (
    <div className="composer">
      <textarea
        className="message-input"
        data-testid="message-input"
        aria-label="Message"
        rows={2}
        maxLength={MAX_USER_TEXT_CHARS}
        placeholder="Type a message — Enter sends, Shift+Enter new line, Esc cancels"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-buttons">
        <button type="button" className="send" data-testid="send-button" disabled={!canSend} onClick={submit}>
          Send
        </button>
        {busy && (
          <button type="button" className="cancel" data-testid="cancel-button" onClick={onCancel}>
            Cancel <kbd>Esc</kbd>
          </button>
        )}
      </div>
    </div>
  );
}
