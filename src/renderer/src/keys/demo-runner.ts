/**
 * Runs a demo script's steps with the messages the app already sends: a race is `scenario.start`,
 * a question is one `chat.send` per lane, a switch is `lane.configure`, a show asks the page to
 * bring a part into view.
 */
import type { DemoStep, DemoView } from '../../../shared/demo-script';
import type { ClientMessage } from '../../../shared/protocol';

export interface StepTarget {
  send(message: ClientMessage): boolean;
  /** Lane ids, left to right. */
  laneOrder(): string[];
  /** The lanes an "ask" goes to: on stage the lanes on stage, in setup every lane. */
  askLanes(): string[];
  laneLabel(laneId: string): string | undefined;
  /** The composer shows the question as sent (see app-store `noteSending`). */
  noteSending(laneId: string, text: string): void;
  selectScenario(name: string): void;
  show(view: DemoView): void;
}

/** The same question to every lane (or to `lanes`) at once; returns how many lanes it went to. */
export function askEveryLane(target: StepTarget, question: string, lanes?: readonly string[]): number {
  const text = question.trim();
  if (text === '') return 0;
  let sent = 0;
  for (const laneId of lanes ?? target.laneOrder()) {
    if (target.send({ type: 'chat.send', laneId, text })) {
      target.noteSending(laneId, text);
      sent += 1;
    }
  }
  return sent;
}

/** The lane a `switch` step names: its label (any case), else its place from the left (1-based). */
export function findLane(target: StepTarget, lane: string | number): string | undefined {
  const order = target.laneOrder();
  if (typeof lane === 'number') return order[lane - 1];
  const wanted = lane.toLowerCase();
  return (
    order.find((id) => target.laneLabel(id)?.toLowerCase() === wanted) ??
    (/^\d+$/.test(lane) ? order[Number(lane) - 1] : undefined)
  );
}

/** Runs one step; returns a problem to show the presenter, or null. */
export function runStep(target: StepTarget, step: DemoStep): string | null {
  if ('race' in step) {
    target.selectScenario(step.race.scenario);
    target.send({
      type: 'scenario.start',
      scenario: step.race.scenario,
      lanes: step.race.lanes.map((l) =>
        typeof l === 'string'
          ? { spec: l, label: l.slice(0, 80) }
          : { spec: l.spec, label: (l.label ?? l.spec).slice(0, 80) },
      ),
      speech: true,
      playback: 'client',
    });
    return null;
  }
  if ('ask' in step) {
    return askEveryLane(target, step.ask, target.askLanes()) === 0
      ? 'There is no lane to ask, or the engine is not connected.'
      : null;
  }
  if ('switch' in step) {
    const laneId = findLane(target, step.switch.lane);
    if (laneId === undefined) {
      const names = target
        .laneOrder()
        .map((id) => target.laneLabel(id) ?? id)
        .join(', ');
      return `There is no lane called "${step.switch.lane}" (the lanes are: ${names || 'none'}), so nothing was switched.`;
    }
    if (!target.send({ type: 'lane.configure', laneId, spec: step.switch.spec }))
      return 'The engine is not connected, so the lane was not switched.';
    return null;
  }
  target.show(step.show);
  return null;
}
