/** The run as `converse --json` reports it: one builder for `render` and the app's recording (shared/). */
export { runJson, type RunJson, type RunLane, type RunTurn } from '../../shared/run-json';
