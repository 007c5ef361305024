import { useServices } from './services';
import { useAudioStore } from '../store/use-audio-store';
import { Meter } from './Meter';

/** App-wide audio: enable, microphone device and processing, output device, the mix tap. */
export function AudioBar() {
  const { voice } = useServices();
  const context = useAudioStore((s) => s.context);
  const contextError = useAudioStore((s) => s.contextError);
  const mic = useAudioStore((s) => s.mic);
  const settings = useAudioStore((s) => s.micSettings);
  const inputs = useAudioStore((s) => s.inputs);
  const outputs = useAudioStore((s) => s.outputs);
  const outputId = useAudioStore((s) => s.outputId);
  const sinkSupported = useAudioStore((s) => s.sinkSupported);
  const micInMix = useAudioStore((s) => s.micInMix);
  const micProblem = mic.message !== null;
  return (
    <div className="audio-bar" data-testid="audio-bar">
      {context !== 'running' && context !== 'unavailable' && (
        <button
          type="button"
          className="enable-audio"
          data-testid="enable-audio"
          title="Browsers keep sound off until you click on the page"
          onClick={() => voice.enableAudio()}
        >
          🔈 Enable audio
        </button>
      )}
      <span className="audio-field">
        <span className="field-name">mic</span>
        <span className={`mic-status mic-${mic.status}`} data-testid="mic-status" data-status={mic.status}>
          {mic.status}
        </span>
        <Meter read={() => voice.mic?.level.rms ?? 0} label="Microphone level" testId="mic-meter" />
      </span>
      <label className="audio-field">
        <span className="field-name">input</span>
        <select
          data-testid="mic-device"
          value={settings.deviceId ?? ''}
          onChange={(e) => voice.setMicSettings({ deviceId: e.target.value || null })}
        >
          <option value="">default microphone</option>
          {inputs.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      {(
        [
          ['echoCancellation', 'echo cancel', 'mic-ec'],
          ['noiseSuppression', 'noise supp.', 'mic-ns'],
          ['autoGainControl', 'auto gain', 'mic-agc'],
        ] as const
      ).map(([key, label, testId]) => (
        <label className="audio-check" key={key}>
          <input
            type="checkbox"
            data-testid={testId}
            checked={settings[key]}
            onChange={(e) => voice.setMicSettings({ [key]: e.target.checked })}
          />
          {label}
        </label>
      ))}
      {sinkSupported && (
        <label className="audio-field">
          <span className="field-name">output</span>
          <select
            data-testid="output-device"
            value={outputId}
            onChange={(e) => void voice.setOutput(e.target.value)}
          >
            <option value="">default output</option>
            {outputs.map((d) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <label className="audio-check" title="Mix the microphone into the recording tap">
        <input
          type="checkbox"
          data-testid="mic-in-mix"
          checked={micInMix}
          onChange={(e) => voice.setMicInMix(e.target.checked)}
        />
        mic in mix
      </label>
      {(micProblem || contextError) && (
        <p className="audio-message" role="alert" data-testid="mic-message" data-status={mic.status}>
          {mic.message ?? contextError}
        </p>
      )}
    </div>
  );
}
