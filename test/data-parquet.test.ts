import { readFileSync, writeFileSync } from "node:fs";
import { parquetMetadata } from "hyparquet";
import { describe, expect, it } from "vitest";
import { formatFromPath, InputError, RECORD_FORMATS, readParquet, readRecords } from "../src/data/index.js";
import { collect, failure, tempFiles } from "../testkit/data-files.js";
import { columnsOf, stringSchema, type TestCodec, writeParquetFile } from "../testkit/parquet-files.js";

const file = tempFiles("parquet");

/** A path for a new parquet file (tempFiles writes the content; hyparquet-writer overwrites it). */
function newPath(): string {
  return file("");
}

const TYPED_SCHEMA = [
  { name: "root", num_children: 8 },
  { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  { name: "small", type: "INT32", repetition_type: "OPTIONAL" },
  { name: "big", type: "INT64", repetition_type: "OPTIONAL" },
  { name: "ratio", type: "DOUBLE", repetition_type: "OPTIONAL" },
  { name: "flag", type: "BOOLEAN", repetition_type: "REQUIRED" },
  { name: "day", type: "INT32", converted_type: "DATE", repetition_type: "OPTIONAL" },
  { name: "at", type: "INT64", converted_type: "TIMESTAMP_MILLIS", repetition_type: "OPTIONAL" },
  { name: "blob", type: "FIXED_LEN_BYTE_ARRAY", type_length: 2, repetition_type: "OPTIONAL" },
] as const;

describe("readParquet", () => {
  it("yields every row with its 1-based row number and JSON-safe values", async () => {
    const path = writeParquetFile(newPath(), {
      schema: [...TYPED_SCHEMA],
      columns: [
        { name: "text", data: ["héllo 😀", null, "third"] },
        { name: "small", data: [1, -2, null] },
        { name: "big", data: [42n, 2n ** 60n, -(2n ** 53n)] },
        { name: "ratio", data: [0.5, null, 1e-3] },
        { name: "flag", data: [true, false, true] },
        { name: "day", data: [new Date("2024-05-01T00:00:00Z"), null, new Date("1969-12-31T00:00:00Z")] },
        { name: "at", data: [new Date("2024-05-01T10:20:30.400Z"), null, null] },
        { name: "blob", data: [new Uint8Array([0xff, 0x00]), null, null] },
      ],
    });
    const records = await collect(readParquet(path));
    expect(records.map((r) => [r.line, r.index, r.file])).toEqual([
      [1, 0, path],
      [2, 1, path],
      [3, 2, path],
    ]);
    expect(records.map((r) => r.value)).toEqual([
      {
        text: "héllo 😀",
        small: 1,
        big: 42,
        ratio: 0.5,
        flag: true,
        day: "2024-05-01",
        at: "2024-05-01T10:20:30.400Z",
        blob: "/wA=",
      },
      // 2^60 is past 2^53: kept exact as a string; -(2^53) is one past the safe range too.
      {
        text: null,
        small: -2,
        big: "1152921504606846976",
        ratio: null,
        flag: false,
        day: null,
        at: null,
        blob: null,
      },
      {
        text: "third",
        small: null,
        big: "-9007199254740992",
        ratio: 0.001,
        flag: true,
        day: "1969-12-31",
        at: null,
        blob: null,
      },
    ]);
    // Column order is the schema's.
    expect(Object.keys(records[0]!.value)).toEqual(TYPED_SCHEMA.slice(1).map((c) => c.name));
    // Every value survives JSON, which is what the outputs are written as.
    expect(JSON.parse(JSON.stringify(records.map((r) => r.value)))).toEqual(records.map((r) => r.value));
  });

  it("reads lists as arrays, including lists of 64-bit integers", async () => {
    const path = writeParquetFile(newPath(), {
      schema: [
        { name: "root", num_children: 2 },
        { name: "tags", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "ids", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "INT64", repetition_type: "OPTIONAL" },
      ],
      columns: [
        { name: "tags", data: [["x", "y"], [], null] },
        { name: "ids", data: [[1n, 2n ** 62n], null, [3n]] },
      ],
    });
    const values = (await collect(readParquet(path))).map((r) => r.value);
    expect(values).toEqual([
      { tags: ["x", "y"], ids: [1, "4611686018427387904"] },
      { tags: [], ids: null },
      { tags: null, ids: [3] },
    ]);
  });

  for (const codec of ["UNCOMPRESSED", "SNAPPY", "GZIP", "BROTLI"] as TestCodec[]) {
    it(`decompresses ${codec} pages across several row groups`, async () => {
      const rows = Array.from({ length: 25 }, (_, i) => ({
        q: `question ${i + 1}`,
        a: `answer ${"x".repeat(i)}`,
      }));
      const path = writeParquetFile(newPath(), {
        schema: stringSchema(["q", "a"]),
        columns: columnsOf(["q", "a"], rows),
        codec,
        rowGroupSize: 10,
      });
      const metadata = parquetMetadata(bufferOf(path));
      expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([10, 10, 5]);
      expect(metadata.row_groups[0]!.columns[0]!.meta_data?.codec).toBe(codec);
      const records = await collect(readParquet(path));
      expect(records.map((r) => r.value)).toEqual(rows);
      expect(records.map((r) => r.line)).toEqual(rows.map((_, i) => i + 1));
    });
  }

  it("decodes one row group at a time: rows before a corrupt group come out, then an error naming its rows", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ q: `question number ${i + 1}` }));
    const path = writeParquetFile(newPath(), {
      schema: stringSchema(["q"]),
      columns: columnsOf(["q"], rows),
      codec: "GZIP",
      rowGroupSize: 3,
    });
    const bytes = bufferOf(path);
    const second = parquetMetadata(bytes).row_groups[1]!.columns[0]!.meta_data!;
    // Overwrite the second group's pages (header and gzip body) with garbage; the footer stays intact.
    const start = Number(second.dictionary_page_offset ?? second.data_page_offset);
    const corrupt = Buffer.from(bytes);
    corrupt.fill(0xee, start, start + Number(second.total_compressed_size));
    writeFileSync(path, corrupt);

    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const record of readParquet(path)) seen.push(record.line);
    } catch (err) {
      error = err;
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(InputError.is(error)).toBe(true);
    const err = error as InputError;
    expect(err.line).toBe(4);
    expect(err.message).toMatch(
      new RegExp(`^${escapeRegExp(path)}:4: cannot decode row group 2 \\(rows 4-6\\): `),
    );
  });

  it("reports a file that is not Parquet, or missing, as a file-level InputError", async () => {
    const notParquet = file("id,text\n1,hello\n");
    const err = await failure(readParquet(notParquet));
    expect(err.line).toBeUndefined();
    expect(err.message).toMatch(new RegExp(`^${escapeRegExp(notParquet)}: not a readable Parquet file: `));

    const missing = `${notParquet}.missing.parquet`;
    const gone = await failure(readParquet(missing));
    expect(gone.message).toMatch(new RegExp(`^${escapeRegExp(missing)}: cannot open: `));
  });

  it("reads an empty table (schema, no rows) as no records", async () => {
    const path = writeParquetFile(newPath(), { schema: stringSchema(["q"]), columns: columnsOf(["q"], []) });
    expect(await collect(readParquet(path))).toEqual([]);
  });
});

describe("readRecords with .parquet", () => {
  it("picks the Parquet reader by extension and lists the format", async () => {
    expect(formatFromPath("data/train.parquet")).toBe("parquet");
    expect(formatFromPath("TRAIN.PARQUET")).toBe("parquet");
    expect(RECORD_FORMATS).toContain("parquet");
    const rows = [{ q: "a" }, { q: "b" }];
    const path = writeParquetFile(newPath(), {
      schema: stringSchema(["q"]),
      columns: columnsOf(["q"], rows),
    });
    expect((await collect(readRecords(path))).map((r) => r.value)).toEqual(rows);
    // By name, for a file without the extension.
    const renamed = file(readFileSync(path));
    expect((await collect(readRecords(renamed, { format: "parquet" }))).map((r) => r.value)).toEqual(rows);
  });
});

function bufferOf(path: string): ArrayBuffer {
  const bytes = readFileSync(path);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
