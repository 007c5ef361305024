/**
 * The models Dialtone knows how to fetch: where each file lives on the hub, how big it is, its SHA-256
 * and its licence. Files are fetched from `<mirror>/<repo>/resolve/<revision>/<path>`; the revision is a
 * commit, so a pinned size and hash can never drift.
 *
 * Provenance of the whisper-tiny.en figures: a public project's asset record that downloaded these exact
 * files from onnx-community/whisper-tiny.en at commit 2575352d61be1bf7225cf8f8b268a4678025fc58 and
 * printed their sizes and SHA-256 (the hub itself is not reachable from where this was written). A wrong
 * figure cannot slip through: the download is refused with a message naming the file.
 *
 * Provenance of the Kokoro-82M figures: several public projects' asset records of
 * onnx-community/Kokoro-82M-v1.0-ONNX at commit 1939ad2a8e416c0acfeecc08a694d14ef25f2231 agree on the
 * sizes and SHA-256 of tokenizer.json, onnx/model_quantized.onnx and the voices; the six voice files are
 * also byte-identical to those the kokoro-js 1.2.1 npm package ships (checked by hash here).
 *
 * Provenance of the Moonshine tiny figures: the two graphs UsefulSensors/moonshine publishes under
 * onnx/merged/tiny/quantized/, as the @moonshine-ai/moonshine-js 0.1.29 npm package ships them (its
 * dist/model/tiny/quantized/; sizes and SHA-256 measured here, and the test suite runs them). No commit
 * of that repository could be read from here, so its revision is the branch: a hub file that ever
 * differs from these bytes is refused by the checksum, never used.
 */
export interface ModelFile {
  /** Path inside the model folder (and the hub repository), e.g. `onnx/encoder_model_quantized.onnx`. */
  path: string;
  /** Exact size, bytes. */
  sizeBytes: number;
  /**
   * Lower-case hex SHA-256 of the file. Optional so that a new model can be listed before its hash is
   * pinned; such a file is verified by size only, and `models list` says so.
   */
  sha256?: string;
}

export interface ModelEntry {
  /** What the user types: `local:model=whisper-tiny.en`, `models fetch whisper-tiny.en`. */
  id: string;
  label: string;
  /** What it is for, one line. */
  purpose: string;
  /** SPDX id of the weights' licence. */
  licence: string;
  licenceUrl: string;
  /** Hub repository, `owner/name`. */
  repo: string;
  /** A commit of that repository (a branch only where no commit could be read: see the provenance). */
  revision: string;
  files: readonly ModelFile[];
  /** transformers.js options this file set was chosen for (dtype picks the `_quantized` suffix). */
  transformers?: { task: 'automatic-speech-recognition'; dtype: 'q8' | 'fp32' };
  /** Models run on onnxruntime-node directly: the graph's path inside the folder. */
  onnx?: string;
  /** A Moonshine recognizer (run on onnxruntime-node directly, moonshine-model.ts). */
  moonshine?: MoonshineShape;
}

/** Where a Moonshine model's two graphs are in its folder, and its decoder's cache shape. */
export interface MoonshineShape {
  /** The encoder graph (samples → hidden states), relative to the model folder. */
  encoder: string;
  /** The merged decoder graph (first and cached steps), relative to the model folder. */
  decoder: string;
  /** Decoder layers (one self- and one cross-attention cache each). */
  layers: number;
  kvHeads: number;
  headDim: number;
}

/** A Kokoro voice style table: 510 rows of 256 float32. */
const kokoroVoice = (id: string, sha256: string): ModelFile => ({
  path: `voices/${id}.bin`,
  sizeBytes: 522_240,
  sha256,
});

export const DEFAULT_MODEL_HUB = 'https://huggingface.co';

export const MODELS: readonly ModelEntry[] = [
  {
    id: 'whisper-tiny.en',
    label: 'Whisper tiny.en (ONNX, 8-bit)',
    purpose: 'local speech-to-text, English (transformers.js on onnxruntime-node)',
    licence: 'Apache-2.0',
    licenceUrl: 'https://huggingface.co/openai/whisper-tiny.en',
    repo: 'onnx-community/whisper-tiny.en',
    revision: '2575352d61be1bf7225cf8f8b268a4678025fc58',
    // Exactly what transformers.js 4.x reads for a Whisper pipeline with dtype q8: config, generation
    // config (optional but used for English-only decoding), the feature extractor's config, the tokenizer
    // (tokenizer.json + tokenizer_config.json; no vocab.json/merges.txt) and the two ONNX sessions.
    files: [
      {
        path: 'config.json',
        sizeBytes: 2197,
        sha256: '251ea843b5901a99efa58c0b99b8052c6019aa3e7d2baf46693a1128ff606233',
      },
      {
        path: 'generation_config.json',
        sizeBytes: 1646,
        sha256: '7b2e8451ed5f118e75fdd991409d72119d21d2fef1eba9723f68fb9c57fe5dc9',
      },
      {
        path: 'preprocessor_config.json',
        sizeBytes: 339,
        sha256: 'a6a76d28c93edb273669eb9e0b0636a2bddbb1272c3261e47b7ca6dfdbac1b8d',
      },
      {
        path: 'tokenizer.json',
        sizeBytes: 2405679,
        sha256: '5eb60cec1e77aeeb6869a2bb5a8e01a84c3fe5d072d75369343021fe6f5310d0',
      },
      {
        path: 'tokenizer_config.json',
        sizeBytes: 282662,
        sha256: '93879c3dccdd4b976f709acd85b44778873f30c275e67026f30ca1e4c975230c',
      },
      {
        path: 'onnx/encoder_model_quantized.onnx',
        sizeBytes: 10124993,
        sha256: 'e93ec822f16a8fd264e7de972ad17d615ea7334b75a52d54c50c2e18dd503a25',
      },
      {
        path: 'onnx/decoder_model_merged_quantized.onnx',
        sizeBytes: 30718858,
        sha256: 'c0592d0749413c960569e1c7fb806b060d5d18f3ebad4a95cbf9a77dc6e9be52',
      },
    ],
    transformers: { task: 'automatic-speech-recognition', dtype: 'q8' },
  },
  {
    id: 'kokoro-82m',
    label: 'Kokoro-82M v1.0 (ONNX, 8-bit)',
    purpose: 'local neural text-to-speech, English, six voices (onnxruntime-node)',
    licence: 'Apache-2.0',
    licenceUrl: 'https://huggingface.co/hexgrad/Kokoro-82M',
    repo: 'onnx-community/Kokoro-82M-v1.0-ONNX',
    revision: '1939ad2a8e416c0acfeecc08a694d14ef25f2231',
    // The graph (first, so a download's progress moves from the start), the phoneme vocabulary and
    // the voices Dialtone offers (kokoro.ts KOKORO_VOICES).
    files: [
      {
        path: 'onnx/model_quantized.onnx',
        sizeBytes: 92_361_116,
        sha256: 'fbae9257e1e05ffc727e951ef9b9c98418e6d79f1c9b6b13bd59f5c9028a1478',
      },
      {
        path: 'tokenizer.json',
        sizeBytes: 3497,
        sha256: '77a02c8e164413299b4b4c403b14f8e0e1c1b727db4d46a09d6327b861060a34',
      },
      kokoroVoice('af_heart', 'd583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b'),
      kokoroVoice('af_bella', 'f69d836209b78eb8c66e75e3cda491e26ea838a3674257e9d4e5703cbaf55c8b'),
      kokoroVoice('am_michael', '1d1f21dd8da39c30705cd4c75d039d265e9bc4a2a93ed09bc9e1b1225eb95ba1'),
      kokoroVoice('am_fenrir', 'c27989f741f7ee34d273a39d8a595cc0837d35f5ced9a29b7cc162614616df43'),
      kokoroVoice('bf_emma', '669fe0647f9dd04fcab92f1439a40eeb4c8b4ab1f82e4996fe3d918ce4a63b73'),
      kokoroVoice('bm_george', 'c4b235a4c1f2cd3b939fed08b899ce9385638b763f7b73a59616c4fc9bd6c9bc'),
    ],
    onnx: 'onnx/model_quantized.onnx',
  },
  {
    id: 'moonshine-tiny',
    label: 'Moonshine tiny (ONNX, 8-bit)',
    purpose: 'local speech-to-text, English (onnxruntime-node, no transformers.js)',
    licence: 'MIT',
    licenceUrl: 'https://huggingface.co/UsefulSensors/moonshine',
    repo: 'UsefulSensors/moonshine',
    revision: 'main',
    files: [
      {
        path: 'onnx/merged/tiny/quantized/encoder_model.onnx',
        sizeBytes: 7_937_661,
        sha256: 'c6fc4b7bc5af75c0591fd157a1f3829b533d18e9769a888fd95a62e470dd4f4a',
      },
      {
        path: 'onnx/merged/tiny/quantized/decoder_model_merged.onnx',
        sizeBytes: 20_243_286,
        sha256: 'eed87831c3a6103534aae7d47a5d485025c659a1323901513961c39fe8a1a367',
      },
    ],
    moonshine: {
      encoder: 'onnx/merged/tiny/quantized/encoder_model.onnx',
      decoder: 'onnx/merged/tiny/quantized/decoder_model_merged.onnx',
      layers: 6,
      kvHeads: 8,
      headDim: 36,
    },
  },
];

export const DEFAULT_KOKORO_MODEL = 'kokoro-82m';

export const DEFAULT_LOCAL_STT_MODEL = 'whisper-tiny.en';

/** Total download size of a model, bytes. */
export const modelSizeBytes = (entry: ModelEntry): number =>
  entry.files.reduce((sum, f) => sum + f.sizeBytes, 0);

/** The URL of one file, under the hub or a mirror of it (same path layout). */
export function fileUrl(entry: ModelEntry, file: ModelFile, hub: string): string {
  const base = hub.replace(/\/+$/, '');
  return `${base}/${entry.repo}/resolve/${entry.revision}/${file.path}`;
}
