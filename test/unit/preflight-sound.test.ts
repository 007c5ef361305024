/**
 * Preflight's microphone and output check from the kernel's ALSA list. Catches a laptop with its
 * microphone disabled passing preflight (capture and playback counted together), an HDMI-only
 * machine reported as having a microphone, and a machine without ALSA failing preflight for devices
 * it cannot see (there the app checks them).
 */
import { describe, expect, it } from 'vitest';
import { checkSoundDevices, parseAsoundPcm } from '../../src/main/cli/sound-devices';

const LAPTOP = [
  '00-00: ALC257 Analog : ALC257 Analog : playback 1 : capture 1',
  '00-03: HDMI 0 : HDMI 0 : playback 1',
  '01-00: USB Audio : USB Audio : capture 1',
  '',
].join('\n');
const HDMI_ONLY = '00-03: HDMI 0 : HDMI 0 : playback 1\n00-07: HDMI 1 : HDMI 1 : playback 1\n';

describe('parseAsoundPcm', () => {
  it('lists capture and playback devices apart', () => {
    expect(parseAsoundPcm(LAPTOP)).toEqual({
      capture: ['ALC257 Analog', 'USB Audio'],
      playback: ['ALC257 Analog', 'HDMI 0'],
    });
  });
});

describe('checkSoundDevices', () => {
  it('passes a machine with a microphone and an output, naming them', async () => {
    const checks = await checkSoundDevices('linux', async () => LAPTOP);
    expect(checks).toEqual([
      { check: 'microphone', status: 'ok', detail: '2 found: ALC257 Analog, USB Audio' },
      { check: 'output', status: 'ok', detail: '2 found: ALC257 Analog, HDMI 0' },
    ]);
  });

  it('fails a machine with speakers but no microphone', async () => {
    const [mic, out] = await checkSoundDevices('linux', async () => HDMI_ONLY);
    expect(mic).toMatchObject({ check: 'microphone', status: 'fail' });
    expect(mic!.detail).toContain('no capture device');
    expect(out).toMatchObject({ check: 'output', status: 'ok' });
  });

  it('says where the devices are checked when this machine has no ALSA list, or is not Linux', async () => {
    const missing = await checkSoundDevices('linux', () => Promise.reject(new Error('ENOENT')));
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatchObject({ check: 'microphone, output', status: 'info' });
    expect(missing[0]!.detail).toContain('/proc/asound/pcm');
    const mac = await checkSoundDevices('darwin', async () => LAPTOP);
    expect(mac).toEqual([expect.objectContaining({ status: 'info' })]);
  });
});
