import { Command, Option } from "commander";
import {
  type LongformStats,
  type LongformStyleChoice,
  longform,
  newLongformStats,
} from "../../methods/backtranslation/longform.js";
import { addCorpusOptions, parseCorpusOptions } from "../corpus-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, parseGenerationSettings } from "../options.js";
import { checkCorpus, documentHeadline, documentResult } from "./document-method.js";

export function longformCommand(): Command {
  const cmd = new Command("longform")
    .description(
      "LongForm reverse instructions: each document of a corpus becomes an output, and the model writes the instruction it answers",
    )
    .addOption(
      new Option(
        "--style <style>",
        "instruction style: formal instruction, chatbot request, search query, or one drawn per document (50/30/20)",
      )
        .choices(["instruction", "chatbot", "query", "mixed"])
        .default("mixed"),
    )
    .option(
      "--length-hint",
      'append the document\'s length to the instruction ("Respond in about 300 words.", Chinese for Chinese text)',
    );
  addCorpusOptions(cmd, "document");
  addGenerationOptions(cmd);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (one record per kept document, in corpus order: id, instruction, output
(the document), style, length_hint, source, passage_id, meta), <out>/dropped.jsonl (ingestion drops and
empty, refused, echoed or invalid instructions, each with its reason) and <out>/summary.json.
A document whose call fails after retries is logged and skipped; the run then ends with exit code 2 and
a re-run retries just those documents.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runLongform(opts);
  });
  return cmd;
}

export async function runLongform(opts: Record<string, unknown>): Promise<number> {
  const corpus = checkCorpus(String(opts.corpus));
  const corpusOptions = parseCorpusOptions(opts, "document");
  const { unit: _unit, ...documentOptions } = corpusOptions;
  const style = opts.style as LongformStyleChoice;
  const lengthHint = opts.lengthHint === true;
  const generation = parseGenerationSettings(opts);
  const config = { corpus, corpusOptions: documentOptions, style, lengthHint, generation };
  return runMethodCommand("longform", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newLongformStats();
    progress("longform", () => ({ done: stats.finished, failed: stats.failed }));
    await longform({
      engine,
      model,
      corpus,
      corpusOptions: documentOptions,
      outDir,
      style,
      lengthHint,
      generation,
      stats,
    });
    return methodOutcome(stats.stoppedBy, documentResult(stats, outDir), headline(stats));
  });
}

function headline(stats: LongformStats): string {
  const styles = Object.entries(stats.styles)
    .filter(([, n]) => n > 0)
    .map(([style, n]) => `${style} ${n}`)
    .join(", ");
  return `${documentHeadline(stats, "instructions")}${styles ? `; styles: ${styles}` : ""}`;
}
