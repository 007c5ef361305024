/**
 * Where the engine is. In Electron the preload hands it over (`window.dialtone`); in web mode the
 * engine served this page, so the socket is on the same host and the token is in the page URL.
 */
import { ENGINE_WS_PATH, TOKEN_PARAM } from '../../shared/protocol';
import type { DialtoneApi, EngineConnection } from '../../shared/preload-api';

/** Query parameter that points a dev server page at an engine elsewhere (`?engine=ws://127.0.0.1:P/engine`). */
const ENGINE_PARAM = 'engine';

export function resolveEngineConnection(): Promise<EngineConnection> {
  const bridge = (window as unknown as { dialtone?: DialtoneApi }).dialtone;
  if (bridge) return bridge.getEngineConnection();
  const params = new URLSearchParams(location.search);
  const token = params.get(TOKEN_PARAM);
  if (!token) {
    return Promise.reject(
      new Error(
        'no engine token in the page address: open the address `bin/dialtone web` printed (…/?token=…)',
      ),
    );
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const wsUrl = params.get(ENGINE_PARAM) ?? `${scheme}//${location.host}${ENGINE_WS_PATH}`;
  return Promise.resolve({ wsUrl, token });
}
