/**
 * Where the local provider's weights come from: an explicit GGUF path, a model URI (hf:..., https://...)
 * or the default model, downloaded once into a cache directory. Every failure becomes a ModelCallError
 * of kind "model-unavailable" whose message tells the user what to do next.
 */

import { createHash } from "node:crypto";
import { open, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, join, resolve } from "node:path";
import { ModelCallError } from "../errors.js";

/**
 * A small instruct model that runs on a laptop CPU (about 0.4 GB, ChatML template).
 * Resolved by node-llama-cpp's `resolveModelFile`, which downloads it from Hugging Face on first use.
 */
export const DEFAULT_LOCAL_MODEL_URI = "hf:bartowski/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M";

export interface DownloadProgress {
  totalSize: number;
  downloadedSize: number;
}

export interface ModelSourceOptions {
  modelPath?: string;
  modelUri?: string;
  cacheDir?: string;
  /** Called during a download; when absent, node-llama-cpp draws its own progress bar on the terminal. */
  onDownloadProgress?: (progress: DownloadProgress) => void;
  /** Hugging Face endpoint (a mirror) for hf: URIs. node-llama-cpp also reads HF_ENDPOINT. */
  huggingFaceEndpoint?: string;
  signal?: AbortSignal;
}

/** Cache directory for downloaded models: option, then SELFALIGN_MODELS_DIR, then ~/.cache/selfalign/models. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SELFALIGN_MODELS_DIR?.trim();
  if (fromEnv) return resolve(fromEnv);
  return join(homedir(), ".cache", "selfalign", "models");
}

const HOW_TO_PROCEED =
  "To continue without it, either\n" +
  "  - use a local GGUF file:            --model /path/to/model.gguf\n" +
  "  - or an OpenAI-compatible server:   --base-url URL --model NAME\n" +
  "    (or set OPENAI_BASE_URL and SELFALIGN_MODEL in the environment).";

/** First line of an error, so a stack trace or a long HTTP body does not drown the advice. */
function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split("\n")[0] ?? text;
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine;
}

const GGUF_MAGIC = "GGUF";
const NETWORK_FAILURE = /fetch failed|ENOTFOUND|ECONNREFUSED|ECONNRESET|EAI_AGAIN|ETIMEDOUT|network/i;

/** Checks that `path` exists, is a file and starts with the GGUF magic; throws model-unavailable otherwise. */
export async function assertGgufFile(path: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a regular file");
    size = info.size;
  } catch (error) {
    throw new ModelCallError(
      "model-unavailable",
      `Local model file not found: ${path} (${shortReason(error)}).\n` +
        "Pass the path of a .gguf model file with --model, or omit it to use the default local model.",
      { cause: error },
    );
  }
  const handle = await open(path, "r");
  try {
    const header = Buffer.alloc(4);
    const { bytesRead } = await handle.read(header, 0, 4, 0);
    if (bytesRead < 4 || header.toString("latin1") !== GGUF_MAGIC) {
      throw new ModelCallError(
        "model-unavailable",
        `Not a GGUF model file: ${path} (${size} bytes, no "GGUF" header). ` +
          "The local provider (llama.cpp) only loads .gguf files; convert or download a GGUF version of the model.",
      );
    }
  } finally {
    await handle.close();
  }
}

/** URIs that node-llama-cpp's resolver understands (hf:, https://...); anything else is treated as a path. */
function looksLikeUri(value: string): boolean {
  return /^(hf|huggingface):/i.test(value) || /^https?:\/\//i.test(value);
}

async function downloadModel(uri: string, options: ModelSourceOptions, isDefault: boolean): Promise<string> {
  const directory = options.cacheDir ? resolve(options.cacheDir) : defaultModelsDir();
  // Imported lazily: node-llama-cpp is large and only the local provider needs it.
  const { resolveModelFile } = await import("node-llama-cpp");
  try {
    return await resolveModelFile(uri, {
      directory,
      cli: options.onDownloadProgress === undefined,
      ...(options.onDownloadProgress ? { onProgress: options.onDownloadProgress } : {}),
      ...(options.huggingFaceEndpoint ? { endpoints: { huggingFace: options.huggingFaceEndpoint } } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    const what = isDefault ? `The default local model (${uri})` : `The model ${uri}`;
    const reason = shortReason(error);
    // node-llama-cpp flattens the network error into "fetch failed"; say what that usually means.
    const hint = NETWORK_FAILURE.test(reason)
      ? " (is this machine offline, or Hugging Face unreachable?)"
      : "";
    throw new ModelCallError(
      "model-unavailable",
      `${what} could not be downloaded into ${directory}: ${reason}${hint}\n${HOW_TO_PROCEED}`,
      { cause: error },
    );
  }
}

/** Resolves the options to an existing GGUF file on disk, downloading it first when it is a URI. */
export async function resolveModelSource(options: ModelSourceOptions): Promise<string> {
  if (options.modelPath !== undefined && options.modelUri !== undefined) {
    throw new ModelCallError(
      "bad-request",
      "Give either modelPath or modelUri for the local model, not both.",
    );
  }
  let path: string;
  if (options.modelPath !== undefined && !looksLikeUri(options.modelPath)) {
    path = resolve(options.modelPath);
  } else {
    const uri = options.modelUri ?? options.modelPath ?? DEFAULT_LOCAL_MODEL_URI;
    path = await downloadModel(uri, options, uri === DEFAULT_LOCAL_MODEL_URI);
  }
  await assertGgufFile(path);
  return path;
}

/**
 * `local:<file name>#<16 hex>`: the hash covers the file size and its first MiB (the GGUF header with
 * the metadata and vocabulary), so a renamed copy keeps its identity's hash and a re-quantized file
 * with the same name gets a new one. No directory is included: ids must not leak home paths.
 */
export async function localModelId(path: string): Promise<string> {
  const { size } = await stat(path);
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(Math.min(size, 1 << 20));
    await handle.read(head, 0, head.length, 0);
    const digest = createHash("sha256").update(`${size}\n`).update(head).digest("hex").slice(0, 16);
    return `local:${basename(path)}#${digest}`;
  } finally {
    await handle.close();
  }
}
