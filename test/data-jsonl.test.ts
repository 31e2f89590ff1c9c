import { closeSync, openSync, writeSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type InputRecord, readJsonl } from "../src/data/index.js";
import { collect, failure, tempFiles } from "../testkit/data-files.js";

const file = tempFiles("jsonl");

describe("readJsonl", () => {
  it("handles a BOM, CRLF and blank lines with correct line numbers and indexes", async () => {
    const path = file('\uFEFF{"a":1}\r\n\r\n   \n{"a":2}\r\n{"a":"ü€😀"}\n\n');
    const records = await collect(readJsonl(path));
    expect(records.map((r) => [r.value.a, r.line, r.index])).toEqual([
      [1, 1, 0],
      [2, 4, 1],
      ["ü€😀", 5, 2],
    ]);
    expect(records[0]?.file).toBe(path);
  });

  it("gives the same records at every chunk size (multi-byte characters split across reads)", async () => {
    const text = '{"s":"ü€😀"}\r\n\n{"s":"x","n":[1,2,{"k":"]"}]}\n{"s":"end"}';
    const path = file(text);
    const expected = await collect(readJsonl(path));
    expect(expected).toHaveLength(3);
    for (const chunkSize of [1, 2, 3, 5, 7, 16]) {
      expect(await collect(readJsonl(path, { chunkSize }))).toEqual(expected);
    }
  });

  it("reads a very long line across many small chunks", async () => {
    const long = "x".repeat(3_000_000);
    const path = file(`{"a":1}\n{"long":"${long}"}\n{"a":3}\n`);
    const records = await collect(readJsonl(path, { chunkSize: 4096 }));
    expect(records.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(records[1]?.value.long).toBe(long);
  });

  it("reports malformed JSON with file and line", async () => {
    const path = file('{"a":1}\n\n{"a": }\n{"a":3}\n');
    const err = await failure(readJsonl(path));
    expect(err.file).toBe(path);
    expect(err.line).toBe(3);
    expect(err.field).toBeUndefined();
    expect(err.message).toMatch(new RegExp(`^${escapeRegExp(path)}:3: invalid JSON: Unexpected token`));
  });

  it("yields the records before a bad line, then fails", async () => {
    const path = file('{"a":1}\n{"a":2}\nnope\n');
    const seen: number[] = [];
    await expect(async () => {
      for await (const r of readJsonl(path)) seen.push(r.line);
    }).rejects.toThrow(`${path}:3: invalid JSON`);
    expect(seen).toEqual([1, 2]);
  });

  it("rejects lines that are JSON but not objects", async () => {
    for (const [line, kind] of [
      ['"just a string"', "string"],
      ["42", "number"],
      ["[1,2]", "array"],
      ["null", "null"],
    ] as const) {
      const path = file(`{"a":1}\n${line}\n`);
      const err = await failure(readJsonl(path));
      expect(err.message).toBe(`${path}:2: expected a JSON object, got ${kind}`);
    }
  });

  it("reports a truncated last line with its line number", async () => {
    const path = file('{"a":1}\n{"a":2}\n{"a":3, "b":"cut he');
    const err = await failure(readJsonl(path));
    expect(err.line).toBe(3);
    expect(err.message).toContain(`${path}:3: invalid JSON`);
    expect(err.message).toContain("looks truncated");
  });

  it("accepts a last line without newline when it is complete", async () => {
    const path = file('{"a":1}\n{"a":2}');
    expect((await collect(readJsonl(path))).map((r) => r.line)).toEqual([1, 2]);
  });

  it("can skip a torn last line, but not a bad line elsewhere", async () => {
    const torn = file('{"a":1}\n{"a":2}\n{"a":3, "b":"cut he');
    const ok = await collect(readJsonl(torn, { skipTornLastLine: true }));
    expect(ok.map((r) => r.value.a)).toEqual([1, 2]);
    const bad = file('{"a":1}\n{"a":\n{"a":3}\n');
    expect((await failure(readJsonl(bad, { skipTornLastLine: true }))).line).toBe(2);
  });

  it("reports a missing file as an InputError", async () => {
    const path = file("").replace(/f\d+\.jsonl$/, "missing.jsonl");
    const err = await failure(readJsonl(path));
    expect(err.line).toBeUndefined();
    expect(err.message).toMatch(new RegExp(`^${escapeRegExp(path)}: cannot open: ENOENT`));
  });

  it("streams a large file instead of reading it whole", async () => {
    const total = 200_000;
    const half = total / 2;
    const lineOf = (i: number, tag: string) => `{"i":${String(i).padStart(6, " ")},"tag":"${tag}"}\n`;
    const lineLength = lineOf(0, "early").length;
    const parts: string[] = [];
    for (let i = 0; i < total; i++) parts.push(lineOf(i, "early"));
    const path = file(parts.join(""));

    // Once the first record is out, rewrite the second half of the file in place (same length).
    // A reader that had loaded the file would still yield "early" there; a streaming one sees "late!".
    let count = 0;
    let late = 0;
    let last: InputRecord | undefined;
    for await (const record of readJsonl(path, { chunkSize: 64 * 1024 })) {
      if (count === 0) {
        const fd = openSync(path, "r+");
        const replacement = [];
        for (let i = half; i < total; i++) replacement.push(lineOf(i, "late!"));
        writeSync(fd, replacement.join(""), half * lineLength);
        closeSync(fd);
      }
      count += 1;
      if (record.value.tag === "late!") late += 1;
      last = record;
    }
    expect(count).toBe(total);
    expect(late).toBe(half);
    expect(last).toMatchObject({ line: total, index: total - 1, value: { i: total - 1 } });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
