import { StringDecoder } from "node:string_decoder";
import type { InputRecord, ReadOptions } from "./input-record.js";
import { DEFAULT_CHUNK_SIZE } from "./input-record.js";
import { JsonArrayScanner } from "./json-array-scanner.js";
import { parseJsonObject } from "./json-object.js";
import { readChunks } from "./read-chunks.js";

/**
 * Streams the objects of a file holding one top-level JSON array, one element at a time, with the
 * line each element starts on. Memory stays at one chunk plus the largest element.
 */
export async function* readJsonArray(file: string, options: ReadOptions = {}): AsyncGenerator<InputRecord> {
  const scanner = new JsonArrayScanner(file);
  let index = 0;
  for await (const text of readText(file, options.chunkSize ?? DEFAULT_CHUNK_SIZE)) {
    for (const element of scanner.push(text)) {
      yield { value: parseJsonObject(element.text, file, element.line), line: element.line, file, index };
      index += 1;
    }
  }
  scanner.end();
}

/** Decoded text chunks, BOM removed. */
async function* readText(file: string, chunkSize: number): AsyncGenerator<string> {
  // Decodes across chunk boundaries, so a multi-byte character split between two reads survives.
  const decoder = new StringDecoder("utf8");
  let first = true;
  for await (const chunk of readChunks(file, chunkSize)) {
    let text = decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    yield text;
  }
  yield decoder.end();
}
