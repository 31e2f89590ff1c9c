/**
 * Writes a tiny LLaMA-architecture GGUF with random (seeded, deterministic) F32 weights and a
 * SentencePiece-style vocabulary. It loads in llama.cpp and produces gibberish, which is all the tests
 * need: the real tokenizer, chat template, sampler, grammar and batching code paths, without weights
 * that would have to be downloaded.
 */

import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { encodeGguf, type GgufTensor, type GgufValue } from "./gguf-encoder.js";

export interface TinyLlamaOptions {
  /** Seed of the weight generator; the same options always give the same bytes. */
  seed?: number;
  embeddingLength?: number;
  blockCount?: number;
  headCount?: number;
  headCountKv?: number;
  feedForwardLength?: number;
  contextLength?: number;
  name?: string;
  /** Jinja chat template stored in `tokenizer.chat_template`; `null` omits it. Defaults to ChatML. */
  chatTemplate?: string | null;
}

/** SentencePiece's word-boundary marker: a space is written as "▁" inside pieces. */
const SPACE = "\u2581";

/** llama.cpp token types (enum llama_token_type). */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export const CHATML_TEMPLATE =
  "{% for message in messages %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** A few common English words; all their prefixes become pieces so SPM merges can build them. */
const WORDS = ["the", "and", "is", "of", "to", "a", "in", "yes", "no", "true", "false", "hello", "world"];

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  types: number[];
  bos: number;
  eos: number;
  unk: number;
}

/**
 * <unk>, <s>, </s>, the 256 byte-fallback tokens, ChatML control tokens, "▁", printable ASCII and
 * "▁"-prefixed word pieces. Longer pieces get higher scores so the SPM tokenizer prefers them.
 */
export function tinyVocabulary(): Vocabulary {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const seen = new Set<string>();
  const add = (piece: string, type: number, score = 0): void => {
    if (seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    scores.push(score);
    types.push(type);
  };

  add("<unk>", TokenType.unknown);
  add("<s>", TokenType.control);
  add("</s>", TokenType.control);
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`, TokenType.byte);
  }
  add("<|im_start|>", TokenType.control);
  add("<|im_end|>", TokenType.control);
  add(SPACE, TokenType.normal, -1000);
  for (let code = 0x21; code <= 0x7e; code++) add(String.fromCharCode(code), TokenType.normal, -1000);
  for (const word of WORDS) {
    const piece = SPACE + word;
    for (let end = 2; end <= piece.length; end++)
      add(piece.slice(0, end), TokenType.normal, -1000 + end * 10);
  }
  return { tokens, scores, types, bos: 1, eos: 2, unk: 0 };
}

/** mulberry32: tiny, fast, good enough to fill weights reproducibly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shape {
  vocab: number;
  embd: number;
  kvDim: number;
  ff: number;
  blocks: number;
}

/** Tensor names and ggml shapes ([inner, outer]) expected by llama.cpp's LLaMA loader. */
function tensorShapes(shape: Shape): Array<[name: string, dims: number[]]> {
  const { vocab, embd, kvDim, ff } = shape;
  const shapes: Array<[string, number[]]> = [
    ["token_embd.weight", [embd, vocab]],
    ["output_norm.weight", [embd]],
    ["output.weight", [embd, vocab]],
  ];
  for (let block = 0; block < shape.blocks; block++) {
    const prefix = `blk.${block}`;
    shapes.push(
      [`${prefix}.attn_norm.weight`, [embd]],
      [`${prefix}.attn_q.weight`, [embd, embd]],
      [`${prefix}.attn_k.weight`, [embd, kvDim]],
      [`${prefix}.attn_v.weight`, [embd, kvDim]],
      [`${prefix}.attn_output.weight`, [embd, embd]],
      [`${prefix}.ffn_norm.weight`, [embd]],
      [`${prefix}.ffn_gate.weight`, [embd, ff]],
      [`${prefix}.ffn_up.weight`, [embd, ff]],
      [`${prefix}.ffn_down.weight`, [ff, embd]],
    );
  }
  return shapes;
}

/**
 * Norm weights are 1 (identity scaling); matrices are uniform with std 1/sqrt(fan_in) so activations
 * stay in range. The output projection is scaled up so the next-token distribution is peaked rather
 * than flat: greedy decoding then looks like a (nonsensical) model rather than uniform noise.
 */
function fillTensor(name: string, dims: number[], random: () => number): Float32Array {
  const data = new Float32Array(dims.reduce((product, dim) => product * dim, 1));
  if (dims.length === 1) return data.fill(1);
  const fanIn = dims[0] ?? 1;
  const gain = name === "output.weight" ? 4 : 1;
  const halfWidth = (gain * Math.sqrt(3)) / Math.sqrt(fanIn);
  for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * halfWidth;
  return data;
}

interface ResolvedOptions {
  seed: number;
  embd: number;
  blocks: number;
  heads: number;
  headsKv: number;
  ff: number;
  context: number;
  name: string;
  chatTemplate: string | null;
}

function resolveOptions(options: TinyLlamaOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    seed: options.seed ?? 1234,
    embd: options.embeddingLength ?? 64,
    blocks: options.blockCount ?? 2,
    heads: options.headCount ?? 4,
    headsKv: options.headCountKv ?? options.headCount ?? 4,
    ff: options.feedForwardLength ?? 128,
    context: options.contextLength ?? 512,
    name: options.name ?? "selfalign-tiny-llama",
    chatTemplate: options.chatTemplate === undefined ? CHATML_TEMPLATE : options.chatTemplate,
  };
  if (resolved.embd % resolved.heads !== 0 || resolved.heads % resolved.headsKv !== 0) {
    throw new Error("tiny GGUF: embeddingLength must divide by headCount, and headCount by headCountKv");
  }
  return resolved;
}

function metadata(o: ResolvedOptions, vocab: Vocabulary): Array<[string, GgufValue]> {
  const u32 = (value: number): GgufValue => ({ type: "u32", value });
  const entries: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: o.name }],
    ["general.alignment", u32(32)],
    ["general.file_type", u32(0)], // LLAMA_FTYPE_ALL_F32
    ["llama.context_length", u32(o.context)],
    ["llama.embedding_length", u32(o.embd)],
    ["llama.block_count", u32(o.blocks)],
    ["llama.feed_forward_length", u32(o.ff)],
    ["llama.attention.head_count", u32(o.heads)],
    ["llama.attention.head_count_kv", u32(o.headsKv)],
    ["llama.attention.layer_norm_rms_epsilon", { type: "f32", value: 1e-5 }],
    ["llama.rope.dimension_count", u32(o.embd / o.heads)],
    ["llama.rope.freq_base", { type: "f32", value: 10000 }],
    ["llama.vocab_size", u32(vocab.tokens.length)],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "string[]", value: vocab.tokens }],
    ["tokenizer.ggml.scores", { type: "f32[]", value: vocab.scores }],
    ["tokenizer.ggml.token_type", { type: "i32[]", value: vocab.types }],
    ["tokenizer.ggml.bos_token_id", u32(vocab.bos)],
    ["tokenizer.ggml.eos_token_id", u32(vocab.eos)],
    ["tokenizer.ggml.unknown_token_id", u32(vocab.unk)],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
  ];
  if (o.chatTemplate !== null)
    entries.push(["tokenizer.chat_template", { type: "string", value: o.chatTemplate }]);
  return entries;
}

/** Builds the GGUF bytes of a tiny random LLaMA model (about 0.5 MB with the defaults). */
export function buildTinyLlamaGguf(options: TinyLlamaOptions = {}): Uint8Array {
  const o = resolveOptions(options);
  const vocab = tinyVocabulary();
  const shape: Shape = {
    vocab: vocab.tokens.length,
    embd: o.embd,
    kvDim: (o.embd / o.heads) * o.headsKv,
    ff: o.ff,
    blocks: o.blocks,
  };
  const random = seededRandom(o.seed);
  const tensors: GgufTensor[] = tensorShapes(shape).map(([name, dims]) => ({
    name,
    dims,
    data: fillTensor(name, dims, random),
  }));
  return encodeGguf({ metadata: metadata(o, vocab), tensors, alignment: 32 });
}

/** Writes the tiny model to `path` atomically (temp file + rename), so concurrent writers never see half a file. */
export async function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, buildTinyLlamaGguf(options));
  await rename(temporary, path);
}
