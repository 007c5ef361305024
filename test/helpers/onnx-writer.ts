/**
 * A minimal ONNX writer (protobuf by hand) for models small enough to write inside a test: graphs of
 * a few standard operators with the input and output names a real model has, so the code that loads
 * and runs the real model runs unchanged on them.
 */

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

type Field = [number, 'v', number | bigint] | [number, 'b', Uint8Array | string];

function msg(fields: Field[]): Uint8Array {
  const parts: number[] = [];
  for (const [no, kind, val] of fields) {
    if (kind === 'v') parts.push(...varint((no << 3) | 0), ...varint(val));
    else {
      const bytes = typeof val === 'string' ? new TextEncoder().encode(val) : val;
      parts.push(...varint((no << 3) | 2), ...varint(bytes.length), ...bytes);
    }
  }
  return Uint8Array.from(parts);
}

/** ONNX element types. */
export const FLOAT = 1;
export const INT64 = 7;

const dim = (d: number | string): Uint8Array => msg([typeof d === 'number' ? [1, 'v', d] : [2, 'b', d]]);

/** A graph input or output: name, element type, dimensions (numbers, or names for dynamic ones). */
export const valueInfo = (name: string, elem: number, dims: (number | string)[]): Uint8Array =>
  msg([
    [1, 'b', name],
    [
      2,
      'b',
      msg([
        [
          1,
          'b',
          msg([
            [1, 'v', elem],
            [2, 'b', msg(dims.map((d) => [1, 'b', dim(d)] as Field))],
          ]),
        ],
      ]),
    ],
  ]);

/** A constant (initializer) tensor. */
export const tensor = (name: string, dims: number[], data: Float32Array | BigInt64Array): Uint8Array =>
  msg([
    ...dims.map((d) => [1, 'v', d] as Field),
    [2, 'v', data instanceof Float32Array ? FLOAT : INT64],
    [8, 'b', name],
    [9, 'b', new Uint8Array(data.buffer, data.byteOffset, data.byteLength)],
  ]);

export const attrInts = (name: string, ints: number[]): Uint8Array =>
  msg([[1, 'b', name], ...ints.map((i) => [8, 'v', i] as Field), [20, 'v', 7]]);

export const attrInt = (name: string, i: number): Uint8Array =>
  msg([
    [1, 'b', name],
    [3, 'v', i],
    [20, 'v', 2],
  ]);

export const node = (op: string, inputs: string[], outputs: string[], attrs: Uint8Array[] = []): Uint8Array =>
  msg([
    ...inputs.map((i) => [1, 'b', i] as Field),
    ...outputs.map((o) => [2, 'b', o] as Field),
    [4, 'b', op],
    ...attrs.map((a) => [5, 'b', a] as Field),
  ]);

/** A whole model file (IR 8, default opset 13). */
export function onnxModel(
  nodes: Uint8Array[],
  inits: Uint8Array[],
  inputs: Uint8Array[],
  outputs: Uint8Array[],
): Uint8Array {
  const graph = msg([
    ...nodes.map((n) => [1, 'b', n] as Field),
    [2, 'b', 'g'],
    ...inits.map((t) => [5, 'b', t] as Field),
    ...inputs.map((i) => [11, 'b', i] as Field),
    ...outputs.map((o) => [12, 'b', o] as Field),
  ]);
  return msg([
    [1, 'v', 8],
    [7, 'b', graph],
    [
      8,
      'b',
      msg([
        [1, 'b', ''],
        [2, 'v', 13],
      ]),
    ],
  ]);
}
