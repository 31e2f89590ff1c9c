import { closeSync, openSync, writeSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type InputRecord, readJsonArray } from "../src/data/index.js";
import { collect, failure, tempFiles } from "../testkit/data-files.js";

const file = tempFiles("json");

const TRICKY = `\uFEFF[
  {"instruction": "close ] and } inside a string", "meta": {"tags": ["a", "]"], "deep": {"x": [[1], {"y": "}"}]}}},
  {"instruction": "escaped \\" quote, then ], [ and a backslash \\\\", "n": 2},

  {
    "instruction": "starts on line 6",
    "nested": [ { "a": "\\"]\\"" } ]
  }   ,
  {"instruction": "ü€😀 unicode \\u005d"}
]
`;

describe("readJsonArray", () => {
  it("cuts out top-level elements with their start lines", async () => {
    const records = await collect(readJsonArray(file(TRICKY)));
    expect(records.map((r) => [r.line, r.index])).toEqual([
      [2, 0],
      [3, 1],
      [5, 2],
      [9, 3],
    ]);
    expect(records[0]?.value).toEqual({
      instruction: "close ] and } inside a string",
      meta: { tags: ["a", "]"], deep: { x: [[1], { y: "}" }] } },
    });
    expect(records[1]?.value.instruction).toBe('escaped " quote, then ], [ and a backslash \\');
    expect(records[2]?.value.nested).toEqual([{ a: '"]"' }]);
    expect(records[3]?.value.instruction).toBe("ü€😀 unicode ]");
  });

  it("gives the same records at every chunk size", async () => {
    const path = file(TRICKY);
    const expected = await collect(readJsonArray(path));
    for (const chunkSize of [1, 2, 3, 5, 7, 13, 64]) {
      expect(await collect(readJsonArray(path, { chunkSize }))).toEqual(expected);
    }
  });

  it("reads an empty array and a one-line array", async () => {
    expect(await collect(readJsonArray(file(" [ ] \n")))).toEqual([]);
    const records = await collect(readJsonArray(file('[{"a":1},{"a":2}]')));
    expect(records.map((r) => [r.value.a, r.line])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });

  it("reports a malformed element at the line where it starts", async () => {
    const path = file('[\n  {"a": 1},\n  {"a": 2,\n   "b": }\n]\n');
    const err = await failure(readJsonArray(path));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/:3: invalid JSON: Unexpected token/);
    expect(err.message.startsWith(`${path}:3: `)).toBe(true);
  });

  it("rejects elements that are not objects", async () => {
    const path = file('[\n{"a":1},\n"text"\n]');
    const err = await failure(readJsonArray(path));
    expect(err.message).toBe(`${path}:3: expected a JSON object, got string`);
  });

  it("reports missing commas, stray commas and unclosed arrays", async () => {
    const cases: [string, number, RegExp][] = [
      ['[\n{"a":1}\n{"a":2}\n]', 2, /invalid JSON/],
      ['[\n{"a":1},\n,{"a":2}]', 3, /unexpected ","/],
      ['[\n{"a":1},\n]', 3, /trailing ","/],
      ['[\n{"a":1},\n{"a":', 3, /array is not closed/],
      ['[\n{"a":1}', 2, /array is not closed/],
      ['{"a":1}', 1, /expected a JSON array/],
      ['[{"a":1}]\n[{"a":2}]', 2, /after the end of the top-level array/],
      ["", 1, /empty file/],
    ];
    for (const [text, line, pattern] of cases) {
      const err = await failure(readJsonArray(file(text)));
      expect(err.line, text).toBe(line);
      expect(err.message, text).toMatch(pattern);
    }
  });

  it("streams a large array instead of reading it whole", async () => {
    const total = 200_000;
    const half = total / 2;
    const elementOf = (i: number, tag: string) => `{"i":${String(i).padStart(6, " ")},"tag":"${tag}"},\n`;
    const size = elementOf(0, "early").length;
    const parts = ["[\n"];
    for (let i = 0; i < total; i++) parts.push(elementOf(i, "early"));
    parts.push('{"i":-1,"tag":"last"}\n]\n');
    const path = file(parts.join(""));

    // Rewrites the second half in place after the first element: only a streaming reader sees it.
    let count = 0;
    let late = 0;
    let last: InputRecord | undefined;
    for await (const record of readJsonArray(path, { chunkSize: 64 * 1024 })) {
      if (count === 0) {
        const fd = openSync(path, "r+");
        const replacement = [];
        for (let i = half; i < total; i++) replacement.push(elementOf(i, "late!"));
        writeSync(fd, replacement.join(""), 2 + half * size);
        closeSync(fd);
      }
      count += 1;
      if (record.value.tag === "late!") late += 1;
      last = record;
    }
    expect(count).toBe(total + 1);
    expect(late).toBe(half);
    expect(last).toMatchObject({ line: total + 2, index: total, value: { i: -1 } });
  });
});
