/**
 * The tiny random LLaMA GGUF the local-model tests load. Written once per machine and content: the
 * file name carries a hash of the bytes, so a changed writer never reuses a stale file.
 */

import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildTinyLlamaGguf, type TinyLlamaOptions } from "../src/llm/local/gguf-writer.js";

const cache = new Map<string, Promise<string>>();

async function writeOnce(options: TinyLlamaOptions): Promise<string> {
  const bytes = buildTinyLlamaGguf(options);
  const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 12);
  const dir = join(tmpdir(), "selfalign-test");
  const path = join(dir, `tiny-${hash}.gguf`);
  if (existsSync(path)) return path;
  await mkdir(dir, { recursive: true });
  // Temp file + rename: parallel test workers may race to write the same file.
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
  return path;
}

/** Path of the tiny model (default options unless given), written at most once per process. */
export function tinyGgufPath(options: TinyLlamaOptions = {}): Promise<string> {
  const key = JSON.stringify(options);
  let path = cache.get(key);
  if (!path) {
    path = writeOnce(options);
    cache.set(key, path);
  }
  return path;
}
