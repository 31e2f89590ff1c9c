/**
 * Fixtures for the `selfalign from-dataset` end-to-end tests: dataset files, a scripted server whose
 * replies to the task-proposal prompt are chosen by the test, and the argv of a run against it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./cli.js";
import { type Cleanup, removeDir, serverArgs } from "./respond-e2e.js";
import { type ReplyContext, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

export interface ScriptedTask {
  instruction: string;
  input_fields: string[];
  output_field: string;
}

/** Chooses the tasks of one reply; `n` counts proposal requests in arrival order (0-based). */
export type ProposalScript = (context: ReplyContext, n: number) => ScriptedTask[] | string;

export interface DatasetFixture {
  dir: string;
  server: ScriptedServer;
  out: string;
  runDir: string;
  /** `from-dataset --data <data> --description ... --out <out>` against the server, quiet, plus `extra`. */
  args(data: string, extra?: string[]): string[];
}

export const DESCRIPTION = "Short product reviews with a sentiment label and a title.";

export async function datasetFixture(cleanups: Cleanup[], script: ProposalScript): Promise<DatasetFixture> {
  const dir = tempDir("selfalign-from-dataset-");
  cleanups.push(() => removeDir(dir));
  let n = 0;
  const server = await startScriptedServer({
    reply: (context) => {
      const tasks = script(context, n++);
      return typeof tasks === "string" ? tasks : JSON.stringify({ tasks });
    },
  });
  cleanups.push(() => server.close());
  const out = join(dir, "out");
  return {
    dir,
    server,
    out,
    runDir: join(out, "run"),
    args: (data, extra = []) => [
      "from-dataset",
      "--data",
      data,
      "--description",
      DESCRIPTION,
      "--out",
      out,
      ...serverArgs(server.baseUrl),
      ...extra,
    ],
  };
}

/** A CSV file from a header and rows of cells (quoted when they hold a comma, quote or newline). */
export function writeCsv(
  path: string,
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
): string {
  const cell = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  const lines = [header, ...rows].map((row) => row.map(cell).join(","));
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Whether a proposal prompt showed the dataset description (description-aware call). */
export function showsDescription(context: Pick<ReplyContext, "input">): boolean {
  return context.input.includes(`Description: ${DESCRIPTION}`);
}

/** The example rows a proposal prompt showed, parsed back (one JSON object per line). */
export function exampleRowsOf(prompt: string): Record<string, unknown>[] {
  const start = prompt.indexOf("Example rows");
  if (start === -1) return [];
  const rows: Record<string, unknown>[] = [];
  for (const line of prompt.slice(start).split("\n").slice(1)) {
    if (!line.startsWith("{")) break;
    rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows;
}
