/**
 * A minimal GGUF v3 encoder: metadata key/values plus F32 tensors, nothing else.
 * Layout (https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
 *   magic "GGUF" | u32 version | u64 tensor count | u64 kv count | kvs | tensor infos | pad | tensor data
 * All integers are little-endian; every tensor's data starts on a multiple of `general.alignment`.
 */

/** GGUF metadata value types, as numbered by the spec. */
const ValueType = {
  Uint32: 4,
  Int32: 5,
  Float32: 6,
  Bool: 7,
  String: 8,
  Array: 9,
} as const;

/** ggml tensor type id of 32-bit floats. */
const GGML_TYPE_F32 = 0;

export type GgufValue =
  | { type: "u32"; value: number }
  | { type: "i32"; value: number }
  | { type: "f32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "string[]"; value: readonly string[] }
  | { type: "f32[]"; value: readonly number[] }
  | { type: "i32[]"; value: readonly number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: dims[0] is the innermost (contiguous) dimension, e.g. [n_embd, n_vocab] for token_embd. */
  dims: readonly number[];
  data: Float32Array;
}

export interface GgufFile {
  metadata: ReadonlyArray<readonly [key: string, value: GgufValue]>;
  tensors: readonly GgufTensor[];
  alignment?: number;
}

/** Growable little-endian byte buffer. */
class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.length + bytes) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u32(value: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, value, true);
    this.length += 4;
  }

  i32(value: number): void {
    this.reserve(4);
    this.view.setInt32(this.length, value, true);
    this.length += 4;
  }

  u64(value: number): void {
    this.reserve(8);
    this.view.setBigUint64(this.length, BigInt(value), true);
    this.length += 8;
  }

  f32(value: number): void {
    this.reserve(4);
    this.view.setFloat32(this.length, value, true);
    this.length += 4;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** GGUF strings are a u64 byte length followed by UTF-8 bytes, no terminator. */
  string(value: string): void {
    const encoded = new TextEncoder().encode(value);
    this.u64(encoded.length);
    this.bytes(encoded);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function writeValue(out: ByteWriter, value: GgufValue): void {
  switch (value.type) {
    case "u32":
      out.u32(ValueType.Uint32);
      out.u32(value.value);
      return;
    case "i32":
      out.u32(ValueType.Int32);
      out.i32(value.value);
      return;
    case "f32":
      out.u32(ValueType.Float32);
      out.f32(value.value);
      return;
    case "bool":
      out.u32(ValueType.Bool);
      out.bytes(Uint8Array.of(value.value ? 1 : 0));
      return;
    case "string":
      out.u32(ValueType.String);
      out.string(value.value);
      return;
    case "string[]":
      writeArrayHeader(out, ValueType.String, value.value.length);
      for (const item of value.value) out.string(item);
      return;
    case "f32[]":
      writeArrayHeader(out, ValueType.Float32, value.value.length);
      for (const item of value.value) out.f32(item);
      return;
    case "i32[]":
      writeArrayHeader(out, ValueType.Int32, value.value.length);
      for (const item of value.value) out.i32(item);
      return;
  }
}

function writeArrayHeader(out: ByteWriter, itemType: number, count: number): void {
  out.u32(ValueType.Array);
  out.u32(itemType);
  out.u64(count);
}

function checkTensor(tensor: GgufTensor): void {
  const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (elements !== tensor.data.length) {
    throw new Error(
      `GGUF tensor ${tensor.name}: dims ${tensor.dims.join("x")} do not match ${tensor.data.length} values`,
    );
  }
}

/** Serializes a GGUF v3 file into memory. */
export function encodeGguf(file: GgufFile): Uint8Array {
  const alignment = file.alignment ?? 32;
  const out = new ByteWriter();
  out.bytes(new TextEncoder().encode("GGUF"));
  out.u32(3);
  out.u64(file.tensors.length);
  out.u64(file.metadata.length);
  for (const [key, value] of file.metadata) {
    out.string(key);
    writeValue(out, value);
  }

  // Offsets are relative to the start of the data section and must themselves be aligned.
  let offset = 0;
  for (const tensor of file.tensors) {
    checkTensor(tensor);
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(GGML_TYPE_F32);
    out.u64(offset);
    offset += Math.ceil((tensor.data.length * 4) / alignment) * alignment;
  }

  out.padTo(alignment);
  for (const tensor of file.tensors) {
    for (const value of tensor.data) out.f32(value);
    out.padTo(alignment);
  }
  return out.result();
}
