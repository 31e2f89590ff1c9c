/**
 * Prices per model, in currency units per million tokens. There is no built-in table on purpose:
 * prices change and differ between providers, so a figure we shipped would silently go stale. Users give
 * prices on the command line (`--price-input/--price-output`) or in a JSON file (`--prices`), and
 * `--max-cost` refuses to run for a model without one. Local models cost 0.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Usage } from "./language-model.js";

export const priceSchema = z.object({
  input: z.number().nonnegative().describe("price per 1M input tokens"),
  output: z.number().nonnegative().describe("price per 1M output tokens"),
});
export type Price = z.infer<typeof priceSchema>;

export const priceTableSchema = z.record(z.string(), priceSchema);
export type PriceTable = z.infer<typeof priceTableSchema>;

export function costOf(usage: Usage, price: Price | undefined): number {
  if (!price) return 0;
  return (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000;
}

/** Reads a price table file: `{ "model-name": { "input": 0.15, "output": 0.6 } }`. */
export function readPriceTable(path: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: cannot read price table: ${(error as Error).message}`);
  }
  const parsed = priceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: field "${issue?.path.join(".")}": ${issue?.message}`);
  }
  return parsed.data;
}
