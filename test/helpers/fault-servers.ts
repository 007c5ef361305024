/**
 * Raw TCP servers on 127.0.0.1 that fail the way real providers and wrong addresses do, below HTTP:
 * one that accepts and closes at once, one that accepts and never answers, a port nothing listens
 * on, and a front door that passes bytes through to another server while noting when the first
 * connection arrived (so a test can time an error from the request, not from process start-up).
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export interface FaultServer {
  port: number;
  /** `performance.now()` of the first accepted connection; null until one arrives. */
  firstConnectionMs: number | null;
  close(): Promise<void>;
}

/** Accepts every connection and destroys it before reading a byte. */
export function acceptThenClose(): Promise<FaultServer> {
  return listen((socket) => socket.destroy());
}

/** Accepts every connection, reads the request and never answers. */
export function neverAnswers(): Promise<FaultServer> {
  return listen((socket) => socket.resume());
}

/** Passes every connection through to `targetPort` on 127.0.0.1, both ways, closes mirrored. */
export function frontDoor(targetPort: number): Promise<FaultServer> {
  return listen((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy()); // the caller gave up: so does the way through
    client.pipe(upstream);
    upstream.pipe(client);
  });
}

/** A port that was free a moment ago and has nothing listening on it now. */
export async function closedPort(): Promise<number> {
  const server = await listen(() => undefined);
  await server.close();
  return server.port;
}

async function listen(onConnection: (socket: Socket) => void): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    if (state.firstConnectionMs === null) state.firstConnectionMs = performance.now();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // a client that gave up resets; that is expected here
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const state: FaultServer = {
    port: (server.address() as AddressInfo).port,
    firstConnectionMs: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return state;
}
