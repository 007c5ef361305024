import './zod-setup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices, ServicesContext } from './app/services';
import { resolveEngineConnection } from './connection';
import { Overlay } from './overlay/Overlay';
import { isOverlayPage, startOverlayPage } from './overlay/overlay-page';
import { OverlayContext } from './overlay/overlay-services';
import { installStatsHook } from './stream/paint-stats';
import { installAudioHook } from './testing/audio-hook';
import { isRenderPage, startRenderPage } from './video/render-page';
// One stylesheet per part of the page, in cascade order (later files may refine earlier ones).
import './styles/base.css';
import './styles/lanes.css';
import './styles/conversation.css';
import './styles/audio.css';
import './styles/overlay.css';
import './styles/race.css';
import './styles/stage.css';
import './styles/keys.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

if (isRenderPage()) {
  // `bin/dialtone render`: the video composition and its recorder, no app UI.
  startRenderPage(root, resolveEngineConnection);
} else if (isOverlayPage()) {
  // OBS / browser source: only the overlay, as one more engine client.
  const overlay = startOverlayPage(resolveEngineConnection);
  createRoot(root).render(
    <StrictMode>
      <OverlayContext.Provider value={overlay}>
        <Overlay compact />
      </OverlayContext.Provider>
    </StrictMode>,
  );
} else {
  const services = createServices(resolveEngineConnection);
  installStatsHook(services.stats);
  // A constant the build replaces: outside test builds this line and the hook's module are dropped.
  if (__DIALTONE_TEST_HOOKS__) installAudioHook(services.voice);
  services.start();
  createRoot(root).render(
    <StrictMode>
      <ServicesContext.Provider value={services}>
        <OverlayContext.Provider value={services.overlay}>
          <App />
        </OverlayContext.Provider>
      </ServicesContext.Provider>
    </StrictMode>,
  );
}
