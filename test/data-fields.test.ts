import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  formatFromPath,
  getField,
  InputError,
  type InputRecord,
  optionalString,
  readRecords,
  requireString,
} from "../src/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "selfalign-fields-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function record(value: Record<string, unknown>): InputRecord {
  return { value, line: 7, file: "data/in.jsonl", index: 3 };
}

function thrown(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (InputError.is(err)) return err;
    throw err;
  }
  throw new Error("expected an InputError");
}

describe("requireString", () => {
  it("returns the value, also through dotted paths", () => {
    const rec = record({
      instruction: "hi",
      meta: { prompt: "nested", deeper: { x: "y" } },
      "a.b": "literal",
    });
    expect(requireString(rec, "instruction")).toBe("hi");
    expect(requireString(rec, "meta.prompt")).toBe("nested");
    expect(requireString(rec, "meta.deeper.x")).toBe("y");
    expect(requireString(rec, "a.b")).toBe("literal");
  });

  it("names file, line and field in its errors", () => {
    const rec = record({ instruction: 42, empty: "", blank: "  ", list: ["a"], meta: { n: null } });
    const err = thrown(() => requireString(rec, "instruction"));
    expect(err.message).toBe('data/in.jsonl:7: field "instruction": expected a non-empty string, got number');
    expect([err.file, err.line, err.field]).toEqual(["data/in.jsonl", 7, "instruction"]);
    expect(thrown(() => requireString(rec, "empty")).message).toMatch(/got empty string$/);
    expect(thrown(() => requireString(rec, "blank")).message).toMatch(/got blank string$/);
    expect(thrown(() => requireString(rec, "list")).message).toMatch(/got array$/);
    expect(thrown(() => requireString(rec, "meta.n")).message).toBe(
      'data/in.jsonl:7: field "meta.n": expected a non-empty string, got null',
    );
    expect(thrown(() => requireString(rec, "meta.prompt")).message).toBe(
      'data/in.jsonl:7: field "meta.prompt": expected a non-empty string, got nothing (the field is missing)',
    );
    expect(thrown(() => requireString(rec, "instruction.x")).field).toBe("instruction.x");
  });
});

describe("optionalString", () => {
  it("treats absent, null and blank as undefined", () => {
    const rec = record({ a: "x", b: null, c: "", d: " ", meta: { e: "deep" } });
    expect(optionalString(rec, "a")).toBe("x");
    expect(optionalString(rec, "meta.e")).toBe("deep");
    for (const field of ["b", "c", "d", "missing", "meta.missing"])
      expect(optionalString(rec, field)).toBeUndefined();
  });

  it("rejects other types with file, line and field", () => {
    const err = thrown(() => optionalString(record({ input: { x: 1 } }), "input"));
    expect(err.message).toBe('data/in.jsonl:7: field "input": expected a string, got object');
  });
});

describe("getField", () => {
  it("does not follow inherited properties", () => {
    expect(getField({}, "constructor")).toBeUndefined();
    expect(getField({ a: {} }, "a.toString")).toBeUndefined();
  });
});

describe("readRecords", () => {
  it("dispatches by extension and by explicit format", async () => {
    const files: Record<string, string> = {
      "a.jsonl": '{"q":"one"}\n',
      "a.NDJSON": '{"q":"one"}\n',
      "a.json": '[{"q":"one"}]',
      "a.csv": "q\none\n",
      "a.txt": '{"q":"one"}\n',
    };
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    for (const name of ["a.jsonl", "a.NDJSON", "a.json", "a.csv"]) {
      const seen: unknown[] = [];
      for await (const r of readRecords(join(dir, name))) seen.push(requireString(r, "q"));
      expect(seen, name).toEqual(["one"]);
    }
    const seen: unknown[] = [];
    for await (const r of readRecords(join(dir, "a.txt"), { format: "jsonl" })) seen.push(r.value.q);
    expect(seen).toEqual(["one"]);
    expect(() => readRecords(join(dir, "a.txt"))).toThrow(
      /a\.txt: cannot tell the format from the extension ".txt"/,
    );
  });

  it.runIf(existsSync("/proc/self/fd"))("closes the file when the consumer stops early", async () => {
    const openFds = () => readdirSync("/proc/self/fd").length;
    const before = openFds();
    for (const [name, content] of [
      ["early.jsonl", '{"q":1}\n'.repeat(50_000)],
      ["early.json", `[${Array(50_000).fill('{"q":1}').join(",")}]`],
      ["early.csv", `q\n${"1\n".repeat(50_000)}`],
    ] as const) {
      writeFileSync(join(dir, name), content);
      for await (const r of readRecords(join(dir, name), { chunkSize: 1024 })) {
        expect(r.index).toBe(0);
        break;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(openFds()).toBe(before);
  });

  it("maps extensions to formats", () => {
    expect(["x.jsonl", "x.ndjson", "X.JSON", "x.csv", "x.tsv", "x"].map(formatFromPath)).toEqual([
      "jsonl",
      "jsonl",
      "json",
      "csv",
      undefined,
      undefined,
    ]);
  });
});
