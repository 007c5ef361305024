/**
 * Push-to-talk key listeners are removed on dispose: a controller that was disposed (a page torn
 * down and set up again) must not keep sending `mic.ptt` for every Space press, as the window
 * listeners added without a removal did.
 */
import { describe, expect, it } from 'vitest';
import type { ClientMessage } from '../../src/shared/protocol';
import { PushToTalk } from '../../src/renderer/src/audio/push-to-talk';
import { createAudioStore } from '../../src/renderer/src/store/audio-store';

function key(type: 'keydown' | 'keyup', code = 'Space', repeat = false): Event {
  const event = new Event(type, { cancelable: true });
  Object.defineProperties(event, { code: { value: code }, repeat: { value: repeat } });
  return event;
}

function setup(mode: 'ptt' | 'open' = 'ptt') {
  const win = new EventTarget();
  const store = createAudioStore();
  store.getState().patchLane('a', { mode });
  const sent: ClientMessage[] = [];
  const ptt = new PushToTalk(store, { send: (m) => sent.push(m) > 0, offsetMs: () => 1_000 }, win);
  return { win, store, sent, ptt };
}

describe('push-to-talk', () => {
  it('sends one mic.ptt per edge of Space, with the engine time, and marks the lane', () => {
    const { win, store, sent } = setup();
    const down = key('keydown');
    win.dispatchEvent(down);
    expect(down.defaultPrevented).toBe(true);
    expect(store.getState().lanes.a?.pttDown).toBe(true);
    win.dispatchEvent(key('keydown', 'Space', true));
    win.dispatchEvent(key('keyup'));
    expect(sent.map((m) => m.type === 'mic.ptt' && [m.laneId, m.down])).toEqual([
      ['a', true],
      ['a', false],
    ]);
    const first = sent[0]!;
    expect(first.type === 'mic.ptt' && first.atMs).toBeGreaterThan(1_000);
    expect(store.getState().lanes.a?.pttDown).toBe(false);
  });

  it('lets go when the window loses focus, and ignores other keys and lanes not in ptt mode', () => {
    const { win, sent } = setup();
    win.dispatchEvent(key('keydown', 'KeyA'));
    expect(sent).toEqual([]);
    win.dispatchEvent(key('keydown'));
    win.dispatchEvent(new Event('blur'));
    expect(sent.map((m) => m.type === 'mic.ptt' && m.down)).toEqual([true, false]);

    const open = setup('open');
    const down = key('keydown');
    open.win.dispatchEvent(down);
    expect(open.sent).toEqual([]);
    expect(down.defaultPrevented).toBe(false);
  });

  it('after dispose, Space and blur send nothing and Space types again', () => {
    const { win, sent, ptt } = setup();
    ptt.dispose();
    const down = key('keydown');
    win.dispatchEvent(down);
    win.dispatchEvent(key('keyup'));
    win.dispatchEvent(new Event('blur'));
    expect(sent).toEqual([]);
    expect(down.defaultPrevented).toBe(false);
  });
});
