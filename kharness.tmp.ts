import { writeFileSync } from 'node:fs';
import { ModelManager } from './src/main/engine/models';
import { KokoroTts } from './src/main/engine/providers/tts/kokoro';
import { systemClock } from './src/main/engine/clock';
import { loadSileroVad } from './src/main/engine/vad/silero';
import { resample } from './src/main/engine/audio/resample';
import { statSync } from 'node:fs';
void (async () => {
  const dir = '/tmp/kk/v019/models/kokoro-v019';
  const files = ['tokenizer.json', 'onnx/model.onnx', 'voices/af_heart.bin', 'voices/am_michael.bin', 'voices/bf_emma.bin', 'voices/bm_george.bin', 'voices/af_bella.bin'].map((p) => ({ path: p, sizeBytes: statSync(`${dir}/${p}`).size }));
  const models = new ModelManager({ env: { DIALTONE_DATA_DIR: '/tmp/kk/v019' }, registry: [{ id: 'kokoro-v019', label: 'v019', purpose: '', licence: 'Apache-2.0', licenceUrl: '', repo: 'x/y', revision: 'r', files, onnx: 'onnx/model.onnx' }] });
  const vad = await loadSileroVad();
  for (const voice of ['af_heart', 'am_michael', 'bf_emma']) {
    const tts = new KokoroTts({ voice, env: {}, models, model: 'kokoro-v019' }, systemClock);
    let t0 = performance.now();
    await tts.warm();
    console.log(voice, 'warm ms', (performance.now() - t0).toFixed(0));
    for (const text of ['Hello from Dialtone.', 'Goodbye, my friend! It was lovely talking with you today.', 'Cerebras runs Llama 8B at about 1,900 tokens per second, and that changes how a voice conversation feels.']) {
      const firsts: number[] = [];
      let last: Awaited<ReturnType<typeof tts.synthesizeAll>> | undefined;
      for (let i = 0; i < 3; i++) {
        last = await tts.synthesizeAll(text);
        firsts.push(last.metrics.firstAudioMs!);
      }
      const pcm = last!.pcm;
      const audio = resample(Float32Array.from(pcm, (s) => s / 32768), 24000, 16000);
      const s = vad.newStream();
      let voiced = 0, frames = 0;
      for (let at = 0; at + 512 <= audio.length; at += 512) { frames++; if ((await s.process(audio.subarray(at, at + 512))) > 0.5) voiced++; }
      let sum = 0; for (const v of pcm) sum += (v / 32768) ** 2;
      console.log(`  ${JSON.stringify(text.slice(0, 30))} audio ${(pcm.length / 24).toFixed(0)} ms first ${firsts.map((f) => f.toFixed(0)).join('/')} ms rtf ${last!.metrics.realTimeFactor!.toFixed(3)} rms ${Math.sqrt(sum / pcm.length).toFixed(3)} voiced ${(100 * voiced / frames).toFixed(0)}%`);
      const wav = Buffer.alloc(44 + pcm.length * 2);
      wav.write('RIFF', 0); wav.writeUInt32LE(36 + pcm.length * 2, 4); wav.write('WAVEfmt ', 8); wav.writeUInt32LE(16, 16); wav.writeUInt16LE(1, 20); wav.writeUInt16LE(1, 22); wav.writeUInt32LE(24000, 24); wav.writeUInt32LE(48000, 28); wav.writeUInt16LE(2, 32); wav.writeUInt16LE(16, 34); wav.write('data', 36); wav.writeUInt32LE(pcm.length * 2, 40);
      Buffer.from(pcm.buffer).copy(wav, 44);
      writeFileSync(`/tmp/kk/out-${voice}-${text.length}.wav`, wav);
    }
  }
})();
