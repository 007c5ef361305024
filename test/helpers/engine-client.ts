/**
 * A test client for the engine socket: a real `ws` connection that records every event and can
 * wait for one matching a predicate.
 */
import WebSocket from 'ws';
import { EngineEvent, type ChatEntry, type ClientMessage } from '../../src/shared/protocol';

export class TestClient {
  readonly events: EngineEvent[] = [];
  private waiters: { match: (e: EngineEvent) => boolean; resolve: (e: EngineEvent) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const event = EngineEvent.parse(JSON.parse(data.toString()));
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(event)) return true;
        w.resolve(event);
        return false;
      });
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** A client of a running engine (its own token and address), once the engine has said hello. */
  static async connect(engine: { wsUrl: string; token: string }): Promise<TestClient> {
    const client = await TestClient.open(`${engine.wsUrl}?token=${engine.token}`);
    await client.waitFor('hello');
    return client;
  }

  send(msg: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The first recorded or future event of `type` (matching `match`), within `timeoutMs`. */
  waitFor<T extends EngineEvent['type']>(
    type: T,
    match: (e: Extract<EngineEvent, { type: T }>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Extract<EngineEvent, { type: T }>> {
    type E = Extract<EngineEvent, { type: T }>;
    const test = (e: EngineEvent): boolean => e.type === type && match(e as E);
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen as E);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${type}`)), timeoutMs);
      this.waiters.push({
        match: test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as E);
        },
      });
    });
  }

  of<T extends EngineEvent['type']>(type: T): Extract<EngineEvent, { type: T }>[] {
    return this.events.filter((e) => e.type === type) as Extract<EngineEvent, { type: T }>[];
  }

  /**
   * A lane's conversation as this client holds it: the history `hello` carried, grown by each
   * `history.append` (an entry of the same turn replaced, not repeated), emptied by `lane.cleared`.
   */
  history(laneId: string): ChatEntry[] {
    let entries: ChatEntry[] = [];
    for (const e of this.events) {
      if (e.type === 'hello') entries = e.lanes.find((l) => l.laneId === laneId)?.history ?? [];
      else if (e.type === 'lane.cleared' && e.laneId === laneId) entries = [];
      else if (e.type === 'history.append' && e.laneId === laneId)
        entries = [...entries.filter((h) => h.turnId !== e.turnId), ...e.entries];
    }
    return entries;
  }

  /** The lane's conversation once it holds at least `count` entries (within `timeoutMs`). */
  async waitForHistory(laneId: string, count: number, timeoutMs = 10_000): Promise<ChatEntry[]> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const entries = this.history(laneId);
      if (entries.length >= count) return entries;
      if (performance.now() > deadline) {
        throw new Error(
          `timed out waiting for ${count} history entries on ${laneId} (have ${entries.length})`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.close();
  }
}
