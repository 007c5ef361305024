/**
 * A lane's speculative reply: a Turn started held at a pause in the user's speech (see turn.ts), with
 * what the lane needs to adopt it when the endpoint confirms the words it answers, or to discard it
 * when the speaker goes on. It is the lane's one current turn all along: the same owner, the same
 * cancel path; only its output waits.
 */
import type { Turn, TurnOrigin } from './turn';

export class HeldReply {
  constructor(
    readonly turn: Turn,
    /** The turn's number: given back when it is discarded, since no client ever saw it. */
    readonly number: number,
    /** The tentative transcript it answers. */
    readonly userText: string,
    /** The lane's part of adopting: the user's words into the history, the turn into its books. */
    private readonly onAdopt: () => void,
  ) {}

  /** Releases it when it is still held and answers `userText`; false when it cannot be adopted. */
  adopt(userText: string, origin: TurnOrigin): boolean {
    if (!this.turn.held || userText !== this.userText) return false;
    this.onAdopt();
    return this.turn.adopt(origin);
  }

  /** Cancels it through the turn's own cancel path (held, it sends nothing); the tokens it had made. */
  discard(): number {
    this.turn.cancel();
    return this.turn.generatedTokens;
  }
}
