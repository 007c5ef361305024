/** The whisper worker thread: pipelines loaded once per folder, recognitions served one at a time. */
import { serveJobs } from '../../workers/job-server';
import { runWhisperJob } from './whisper-model';
import type { WhisperJob, WhisperResult } from './whisper-model';

serveJobs<WhisperJob, WhisperResult, string>(async () => runWhisperJob);
