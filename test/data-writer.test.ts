import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JsonlWriter, readJsonl, readJsonlKeys } from "../src/data/index.js";

const dir = mkdtempSync(join(tmpdir(), "selfalign-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function path(): string {
  counter += 1;
  return join(dir, `run${counter}`, "nested", "out.jsonl");
}

const idOf = (value: Record<string, unknown>) => (typeof value.id === "string" ? value.id : undefined);

describe("JsonlWriter", () => {
  it("creates parent directories and writes one line per record", () => {
    const file = path();
    const writer = JsonlWriter.open(file);
    expect(writer.repair).toEqual({ truncatedBytes: 0, addedNewline: false });
    writer.write({ id: "a", text: "line\nbreak ü" });
    writer.write({ id: "b", n: [1, 2] });
    expect(writer.linesWritten).toBe(2);
    writer.flush();
    writer.close();
    writer.close();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a","text":"line\\nbreak ü"}\n{"id":"b","n":[1,2]}\n');
    expect(() => writer.write({ id: "c" })).toThrow(/closed/);
  });

  it("appends to an existing clean file without touching it", () => {
    const file = path();
    const first = JsonlWriter.open(file);
    first.write({ id: "a" });
    first.close();
    const second = JsonlWriter.open(file);
    expect(second.repairedBytes).toBe(0);
    second.write({ id: "b" });
    second.close();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a"}\n{"id":"b"}\n');
  });

  it("cuts a torn last line, reports the bytes cut, then appends cleanly", async () => {
    const file = path();
    JsonlWriter.open(file).close();
    const torn = '{"id":"c","text":"cut in the mid';
    writeFileSync(file, `{"id":"a"}\n{"id":"b"}\n${torn}`);
    const writer = JsonlWriter.open(file);
    expect(writer.repairedBytes).toBe(Buffer.byteLength(torn));
    expect(writer.repair.addedNewline).toBe(false);
    writer.write({ id: "c", text: "whole" });
    writer.close();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a"}\n{"id":"b"}\n{"id":"c","text":"whole"}\n');
    const ids: unknown[] = [];
    for await (const r of readJsonl(file)) ids.push(r.value.id);
    expect(ids).toEqual(["a", "b", "c"]);
  });

  it("cuts a torn line longer than its backwards read block, and a file that is only a torn line", () => {
    const file = path();
    JsonlWriter.open(file).close();
    const torn = `{"id":"big","text":"${"x".repeat(200_000)}`;
    writeFileSync(file, `{"id":"a"}\n${torn}`);
    const writer = JsonlWriter.open(file);
    expect(writer.repairedBytes).toBe(torn.length);
    writer.close();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a"}\n');

    writeFileSync(file, '{"id":"on');
    JsonlWriter.open(file).close();
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("keeps a last record that lacks only its newline", () => {
    const file = path();
    JsonlWriter.open(file).close();
    writeFileSync(file, '{"id":"a"}\n{"id":"b"}');
    const writer = JsonlWriter.open(file);
    expect(writer.repair).toEqual({ truncatedBytes: 0, addedNewline: true });
    writer.write({ id: "c" });
    writer.close();
    expect(readFileSync(file, "utf8")).toBe('{"id":"a"}\n{"id":"b"}\n{"id":"c"}\n');
  });
});

describe("readJsonlKeys", () => {
  it("collects keys and ignores a torn last line", async () => {
    const file = path();
    JsonlWriter.open(file).close();
    writeFileSync(file, '{"id":"a"}\n\n{"id":"b"}\r\n{"other":1}\n{"id":"c","te');
    expect(await readJsonlKeys(file, idOf)).toEqual(new Set(["a", "b"]));
  });

  it("includes a whole last record without newline, as the writer keeps it", async () => {
    const file = path();
    JsonlWriter.open(file).close();
    writeFileSync(file, '{"id":"a"}\n{"id":"b"}');
    expect(await readJsonlKeys(file, idOf)).toEqual(new Set(["a", "b"]));
  });

  it("returns an empty set for a file that does not exist yet", async () => {
    const file = path();
    expect(existsSync(file)).toBe(false);
    expect(await readJsonlKeys(file, idOf)).toEqual(new Set());
  });

  it("fails on a corrupt line that is not the last one", async () => {
    const file = path();
    JsonlWriter.open(file).close();
    writeFileSync(file, '{"id":"a"}\n{"id":\n{"id":"c"}\n');
    await expect(readJsonlKeys(file, idOf)).rejects.toThrow(`${file}:2: invalid JSON`);
  });
});
