/** The espeak-ng worker thread: one warm engine (espeak-engine.ts), jobs served one at a time. */
import { serveJobs } from '../../workers/job-server';
import { EspeakEngine, runJob } from './espeak-engine';
import type { EspeakJob, EspeakResult } from './espeak-engine';

serveJobs<EspeakJob, EspeakResult>(
  async () => {
    const engine = await EspeakEngine.create();
    return (job) => runJob(engine, job);
  },
  (result) => (result instanceof Int16Array ? [result.buffer as ArrayBuffer] : []),
);
