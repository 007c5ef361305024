/**
 * The microphone and output check of `dialtone preflight`. On Linux the kernel lists every ALSA
 * device in /proc/asound/pcm ("00-00: ALC257 Analog : ALC257 Analog : playback 1 : capture 1"), which
 * PulseAudio and PipeWire sit on; a talk machine with no capture or no playback device there has no
 * microphone or no speakers, whatever the browser later says. Elsewhere (and on Linux without ALSA,
 * a server or container) the devices are the browser's or the window's to check.
 */
import { readFile } from 'node:fs/promises';
import type { Check } from './preflight';

const PCM_LIST = '/proc/asound/pcm';

export interface PcmDevices {
  capture: string[];
  playback: string[];
}

/** The device names that can capture and that can play, from the text of /proc/asound/pcm. */
export function parseAsoundPcm(text: string): PcmDevices {
  const devices: PcmDevices = { capture: [], playback: [] };
  for (const line of text.split('\n')) {
    const fields = line.split(' : ').map((f) => f.trim());
    if (fields.length < 3) continue;
    const name = fields[1] || fields[0]!;
    if (fields.some((f) => /^capture \d+$/.test(f))) devices.capture.push(name);
    if (fields.some((f) => /^playback \d+$/.test(f))) devices.playback.push(name);
  }
  return devices;
}

function deviceCheck(check: string, names: string[], missing: string): Check {
  if (names.length === 0) return { check, status: 'fail', detail: missing };
  const unique = [...new Set(names)];
  return { check, status: 'ok', detail: `${unique.length} found: ${unique.join(', ')}` };
}

/** One check each for a microphone and an output, or one `info` line where this cannot be seen from here. */
export async function checkSoundDevices(
  platform: NodeJS.Platform = process.platform,
  read: (path: string) => Promise<string> = (path) => readFile(path, 'utf8'),
): Promise<Check[]> {
  const elsewhere: Check = {
    check: 'microphone, output',
    status: 'info',
    detail: 'checked in the app (the browser or window owns the devices)',
  };
  if (platform !== 'linux') return [elsewhere];
  let text: string;
  try {
    text = await read(PCM_LIST);
  } catch {
    return [{ ...elsewhere, detail: `no ALSA sound devices listed here (${PCM_LIST}): ${elsewhere.detail}` }];
  }
  const devices = parseAsoundPcm(text);
  return [
    deviceCheck('microphone', devices.capture, 'no capture device: plug in or enable a microphone'),
    deviceCheck('output', devices.playback, 'no playback device: plug in or enable speakers or an output'),
  ];
}
