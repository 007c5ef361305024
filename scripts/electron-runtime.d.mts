/** Types for electron-runtime.mjs (plain JS so `npm start` needs no build). */
import type { spawnSync } from 'node:child_process';

export type Env = Record<string, string | undefined>;

export interface RuntimeStatus {
  installed: boolean;
  /** Where the runtime is (or would be); null when electron has never been installed. */
  executablePath: string | null;
}

export interface DownloadResult {
  ok: boolean;
  /** One line on what failed; '' on success. */
  detail: string;
}

export type Download = (electronDir: string, options: { env: Env }) => DownloadResult;

export type FrontEndChoice =
  { mode: 'electron'; executablePath: string } | { mode: 'web'; message: string | null };

export function findElectronPackage(projectRoot: string): string | null;
export function electronRuntimeStatus(electronDir: string, env?: Env): RuntimeStatus;
export function summarizeInstallError(stderr: string | null | undefined): string;
export function downloadElectronRuntime(
  electronDir: string,
  options?: { env?: Env; run?: typeof spawnSync },
): DownloadResult;
export function runtimeUnavailableMessage(options: { version: string | undefined; detail: string }): string;
export const NO_DISPLAY_MESSAGE: string;
export function chooseFrontEnd(options: {
  projectRoot: string;
  env?: Env;
  platform?: NodeJS.Platform;
  download?: Download;
}): FrontEndChoice;
