/**
 * LLaMA-Factory finds datasets through `dataset_info.json` in its data directory. An export adds (or
 * replaces) its own entry and keeps every other one: the file usually lists many datasets.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { InputError } from "../input-error.js";
import { isJsonObject } from "../json-object.js";
import { errorMessage } from "../read-chunks.js";
import type { DatasetInfoEntry } from "./exporter.js";
import { temporaryPath } from "./sinks.js";

/**
 * The entries already in the file ({} when there is none). A file we cannot read is an error before
 * anything is exported, rather than a file silently replaced.
 */
export function readDatasetInfo(path: string): Record<string, unknown> {
  if (!existsSync(path)) return {};
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError(
      path,
      undefined,
      `not valid JSON (${errorMessage(err)}); fix or move it, it is not overwritten`,
      {
        cause: err,
      },
    );
  }
  if (!isJsonObject(value))
    throw new InputError(path, undefined, "expected a JSON object of dataset entries; it is not overwritten");
  return value;
}

/** Writes `entries` with `name` set to `entry`, atomically (temporary file, then rename). */
export function writeDatasetInfo(
  path: string,
  entries: Record<string, unknown>,
  name: string,
  entry: DatasetInfoEntry,
): void {
  const merged = { ...entries, [name]: entry };
  const tmp = temporaryPath(path);
  writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`);
  renameSync(tmp, path);
}
