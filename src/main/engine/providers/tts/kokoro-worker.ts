/** The Kokoro worker thread: models loaded once per folder, inferences served one at a time. */
import { serveJobs } from '../../workers/job-server';
import { runKokoroJob } from './kokoro-model';
import type { KokoroJob, KokoroResult } from './kokoro-model';

serveJobs<KokoroJob, KokoroResult>(
  async () => runKokoroJob,
  (result) => (result instanceof Float32Array ? [result.buffer as ArrayBuffer] : []),
);
