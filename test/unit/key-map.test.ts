/**
 * The presenter's keys, on a stand-in window: `?` opens the key help, R starts a race and restarts a
 * running one only on a second press within 2 s (before, R silently restarted it), Esc stops a race
 * (before, nothing did from the keyboard), PageDown steps the demo script and the strip then names
 * the next step, Space is a step only when no lane is in push-to-talk mode, and nothing is taken
 * from a text field. The ask-all composer sends one `chat.send` per lane.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, EngineEvent } from '../../src/shared/protocol';
import { askEveryLane, runStep, type StepTarget } from '../../src/renderer/src/keys/demo-runner';
import { KEY_HELP, KeyMap, RESTART_WINDOW_MS, type KeyTarget } from '../../src/renderer/src/keys/key-map';
import { stripText } from '../../src/renderer/src/keys/Keys';
import { createPresenterStore, currentDemo } from '../../src/renderer/src/keys/presenter-store';

/** As assets/demos/talk.yaml reads (test/unit/demo-script.test.ts loads the file itself). */
const TALK = {
  type: 'demo.list',
  demos: [
    {
      name: 'talk',
      title: 'Fast vs GPU, then a human question',
      builtin: true,
      steps: [
        { race: { scenario: 'goodbye', lanes: ['fast', 'gpu'] } },
        { ask: 'In one sentence, why does a voice assistant feel slow?' },
        { show: 'breakdown' },
      ],
    },
  ],
  errors: [],
} as const satisfies EngineEvent;

function key(name: string, target?: object, repeat = false): Event {
  const event = new Event('keydown', { cancelable: true });
  Object.defineProperties(event, { key: { value: name }, repeat: { value: repeat } });
  if (target) Object.defineProperty(event, 'target', { value: target });
  return event;
}

function setup(opts: { running?: boolean; ptt?: boolean } = {}) {
  const win = new EventTarget();
  const presenter = createPresenterStore();
  presenter.getState().applyEvent(TALK);
  presenter.getState().select('talk');
  const sent: ClientMessage[] = [];
  const state = {
    running: opts.running ?? false,
    ptt: opts.ptt ?? false,
    now: 1_000,
    fullscreen: 0,
    recordings: 0,
    askLanes: ['a', 'b'],
  };
  const lanes: StepTarget = {
    send: (m) => sent.push(m) > 0,
    laneOrder: () => ['a', 'b'],
    askLanes: () => state.askLanes,
    laneLabel: (id) => ({ a: 'fast', b: 'gpu' })[id],
    noteSending: () => {},
    selectScenario: () => {},
    show: () => {},
  };
  const app: KeyTarget = {
    send: (m) => sent.push(m) > 0,
    raceRunning: () => state.running,
    raceMessage: () => ({ type: 'scenario.start', scenario: 'goodbye', lanes: [{ spec: 'fast' }] }),
    pushToTalk: () => state.ptt,
    runStep(index) {
      const step = currentDemo(presenter.getState())?.steps[index];
      return step ? runStep(lanes, step) : null;
    },
    toggleFullscreen: () => void (state.fullscreen += 1),
    toggleRecording: () => void (state.recordings += 1),
    now: () => state.now,
  };
  const keys = new KeyMap(presenter, app, win);
  const press = (name: string, target?: object): Event => {
    const e = key(name, target);
    win.dispatchEvent(e);
    return e;
  };
  return { win, presenter, sent, state, keys, press, lanes };
}

afterEach(() => vi.useRealTimers());

describe('key map', () => {
  it('? opens and closes the key help; Esc closes it; F toggles full screen', () => {
    const { presenter, press, state } = setup();
    expect(press('?').defaultPrevented).toBe(true);
    expect(presenter.getState().helpOpen).toBe(true);
    press('Escape');
    expect(presenter.getState().helpOpen).toBe(false);
    press('f');
    press('F');
    expect(state.fullscreen).toBe(2);
  });

  it('R starts a race; during one, only a second R within 2 s restarts it', () => {
    vi.useFakeTimers();
    const { presenter, sent, press, state } = setup();
    press('r');
    expect(sent.map((m) => m.type)).toEqual(['scenario.start']);
    state.running = true;
    press('R');
    expect(sent).toHaveLength(1);
    expect(presenter.getState().restartArmedUntil).toBe(1_000 + RESTART_WINDOW_MS);
    state.now += 1_500;
    press('R');
    expect(sent.map((m) => m.type)).toEqual(['scenario.start', 'scenario.start']);
    expect(presenter.getState().restartArmedUntil).toBeNull();

    // A second press too late only arms again; the hint goes away by itself.
    press('R');
    state.now += RESTART_WINDOW_MS + 1;
    vi.advanceTimersByTime(RESTART_WINDOW_MS);
    expect(presenter.getState().restartArmedUntil).toBeNull();
    press('R');
    expect(sent).toHaveLength(2);
    expect(presenter.getState().restartArmedUntil).not.toBeNull();
  });

  it("Esc stops a running race; with none, it is left to the lane's own Esc (cancel its turn)", () => {
    const running = setup({ running: true });
    expect(running.press('Escape').defaultPrevented).toBe(true);
    expect(running.sent).toEqual([{ type: 'scenario.stop' }]);

    const idle = setup();
    expect(idle.press('Escape').defaultPrevented).toBe(false);
    expect(idle.sent).toEqual([]);
  });

  it('PageDown / → / Space step the talk demo: race, then ask both lanes, then the breakdown', () => {
    const { presenter, sent, press } = setup();
    const strip = () => stripText(presenter.getState());
    expect(strip()).toMatchObject({ label: '3 steps', next: 'Race goodbye: fast vs gpu' });

    press('PageDown');
    expect(presenter.getState().stepIndex).toBe(0);
    expect(sent[0]).toMatchObject({
      type: 'scenario.start',
      scenario: 'goodbye',
      lanes: [{ spec: 'fast' }, { spec: 'gpu' }],
    });
    expect(strip()?.label).toBe('step 1/3');
    expect(strip()?.current).toBe('Race goodbye: fast vs gpu');
    expect(strip()?.next).toMatch(/^Ask every lane: “In one sentence/);

    press('ArrowRight');
    expect(sent.slice(1).map((m) => m.type === 'chat.send' && m.laneId)).toEqual(['a', 'b']);
    press(' ');
    expect(presenter.getState().stepIndex).toBe(2);
    expect(strip()).toMatchObject({ current: 'Show the breakdown', next: 'end of the demo' });
    press('PageDown'); // past the end: nothing
    expect(presenter.getState().stepIndex).toBe(2);
    press('PageUp');
    expect(presenter.getState().stepIndex).toBe(1);
    expect(sent).toHaveLength(3);
  });

  it('a step that cannot run says why in plain words until the next step (before, the reason was dropped)', () => {
    const { presenter, sent, press } = setup();
    presenter.getState().applyEvent({
      type: 'demo.list',
      demos: [
        {
          name: 'typo',
          title: 'A switch to a lane that is not there',
          builtin: false,
          steps: [{ switch: { lane: 'cerebras', spec: 'cerebras' } }, { show: 'stage' }],
        },
      ],
      errors: [],
    });
    press('PageDown');
    expect(sent).toEqual([]);
    expect(presenter.getState().stepProblem).toBe(
      'There is no lane called "cerebras" (the lanes are: fast, gpu), so nothing was switched.',
    );
    press('PageDown');
    expect(presenter.getState().stepIndex).toBe(1);
    expect(presenter.getState().stepProblem).toBeNull();
  });

  it('an ask step on stage after a race asks the lanes on stage, not the hidden ones', () => {
    const { sent, press, state } = setup();
    state.askLanes = ['b'];
    press('PageDown');
    press('PageDown');
    expect(sent.slice(1)).toEqual([
      { type: 'chat.send', laneId: 'b', text: 'In one sentence, why does a voice assistant feel slow?' },
    ]);
  });

  it('Space is push-to-talk, not a step, while a lane is in ptt mode; text fields keep their keys', () => {
    const { presenter, sent, press, state } = setup();
    state.ptt = true;
    expect(press(' ').defaultPrevented).toBe(false);
    expect(presenter.getState().stepIndex).toBe(-1);
    const field = { tagName: 'TEXTAREA', isContentEditable: false };
    for (const k of ['r', 'R', '?', 'PageDown', 'Escape', 'f', 'v'])
      expect(press(k, field).defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
    expect(presenter.getState().helpOpen).toBe(false);
  });

  it('V starts and stops a recording (one toggle per press, none for a held key) and is in the key help', () => {
    const { press, state, win } = setup();
    expect(press('v').defaultPrevented).toBe(true);
    press('V');
    win.dispatchEvent(key('V', undefined, true));
    expect(state.recordings).toBe(2);
    expect(KEY_HELP.find((k) => k.keys.includes('V'))?.action).toMatch(/Record/);
  });

  it('after dispose the window keeps no listener', () => {
    const { keys, press, sent } = setup();
    keys.dispose();
    expect(press('r').defaultPrevented).toBe(false);
    expect(sent).toEqual([]);
  });
});

describe('ask every lane', () => {
  it('sends one chat.send per lane with the same text', () => {
    const { lanes, sent } = setup();
    expect(askEveryLane(lanes, '  Why is the sky blue? ')).toBe(2);
    expect(sent).toEqual([
      { type: 'chat.send', laneId: 'a', text: 'Why is the sky blue?' },
      { type: 'chat.send', laneId: 'b', text: 'Why is the sky blue?' },
    ]);
    expect(askEveryLane(lanes, '   ')).toBe(0);
  });
});
