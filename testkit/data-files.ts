/** Shared by the data reader tests: temp files with a given extension, and draining a reader. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { InputError, type InputRecord } from "../src/data/index.js";

/** Returns `file(content)`, which writes a new temp file ending in `ext`; all are removed after the suite. */
export function tempFiles(ext: string): (content: string | Buffer) => string {
  const dir = mkdtempSync(join(tmpdir(), `selfalign-${ext}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let counter = 0;
  return (content) => {
    counter += 1;
    const path = join(dir, `f${counter}.${ext}`);
    writeFileSync(path, content);
    return path;
  };
}

export async function collect(iterable: AsyncIterable<InputRecord>): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const record of iterable) out.push(record);
  return out;
}

/** The InputError a reader throws (fails the test if it throws nothing or something else). */
export async function failure(iterable: AsyncIterable<InputRecord>): Promise<InputError> {
  try {
    await collect(iterable);
  } catch (err) {
    if (InputError.is(err)) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}
