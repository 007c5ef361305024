import './zod-setup';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices, ServicesContext } from './app/services';
import { resolveEngineConnection } from './connection';
import { installStatsHook } from './stream/paint-stats';
import './styles.css';

const services = createServices(resolveEngineConnection);
installStatsHook(services.stats);
services.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>
  </StrictMode>,
);
