import { describe, expect, it } from "vitest";
import { readCsv } from "../src/data/index.js";
import { collect, failure, tempFiles } from "../testkit/data-files.js";

const file = tempFiles("csv");

/** Line 1 header; records start on lines 2, 3, 7, 8 and 12 (line 6 blank, 9-11 inside quotes). */
const ROWS = [
  "instruction,input",
  "plain,x",
  '"multi',
  "line",
  'field",y',
  "",
  '"with ""quotes"", and a comma",z',
  '"three',
  "",
  "more lines",
  '",w',
  "last,ü€😀",
];

describe("readCsv", () => {
  for (const [name, eol] of [
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ] as const) {
    it(`reads quoted multi-line fields with start lines (${name}, BOM)`, async () => {
      const path = file(`\uFEFF${ROWS.join(eol)}${eol}`);
      const records = await collect(readCsv(path));
      expect(records.map((r) => [r.line, r.index])).toEqual([
        [2, 0],
        [3, 1],
        [7, 2],
        [8, 3],
        [12, 4],
      ]);
      expect(records.map((r) => r.value)).toEqual([
        { instruction: "plain", input: "x" },
        { instruction: `multi${eol}line${eol}field`, input: "y" },
        { instruction: 'with "quotes", and a comma', input: "z" },
        { instruction: `three${eol}${eol}more lines${eol}`, input: "w" },
        { instruction: "last", input: "ü€😀" },
      ]);
      expect(Object.keys(records[0]?.value ?? {})).toEqual(["instruction", "input"]);
    });
  }

  it("gives the same line numbers at every chunk size and without a final newline", async () => {
    const path = file(ROWS.join("\r\n"));
    const expected = await collect(readCsv(path));
    expect(expected.map((r) => r.line)).toEqual([2, 3, 7, 8, 12]);
    for (const chunkSize of [1, 2, 3, 7, 16]) {
      expect(await collect(readCsv(path, { chunkSize }))).toEqual(expected);
    }
  });

  it("reports a row with the wrong number of columns with file and line", async () => {
    const path = file("instruction,input\na,b\nc\n");
    const err = await failure(readCsv(path));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:3: invalid CSV: `),
    );
  });

  it("reports an unclosed quote", async () => {
    const err = await failure(readCsv(file('instruction,input\na,b\n"c,d\n')));
    expect(err.message).toMatch(/invalid CSV: Quote Not Closed/);
  });

  it("reports a missing file as an InputError", async () => {
    const err = await failure(readCsv(file("").replace(/f\d+\.csv$/, "missing.csv")));
    expect(err.message).toMatch(/missing\.csv: cannot open: ENOENT/);
  });
});
