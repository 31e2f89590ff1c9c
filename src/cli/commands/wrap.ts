import { Command, InvalidArgumentError } from "commander";
import { newDocumentStats } from "../../methods/backtranslation/document-loop.js";
import { DEFAULT_GROUNDING_THRESHOLD, wrapDocuments } from "../../methods/backtranslation/wrap.js";
import { addCorpusOptions, parseCorpusOptions } from "../corpus-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, num, parseGenerationSettings } from "../options.js";
import { checkCorpus, documentHeadline, documentResult } from "./document-method.js";

/** A response restates a whole document: more room than the generic default of 1024 tokens. */
const WRAP_MAX_OUTPUT_TOKENS = 2048;

function share(value: string): number {
  const n = num(value);
  if (n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

export function wrapCommand(): Command {
  const cmd = new Command("wrap")
    .description(
      "DoG-style wrapping: the model wraps each document of a corpus into an instruction and an assistant-style response grounded in it",
    )
    .option(
      "--grounding-threshold <x>",
      "drop responses with a smaller share of content words found in the document (0: keep all)",
      share,
      DEFAULT_GROUNDING_THRESHOLD,
    );
  addCorpusOptions(cmd, "document");
  addGenerationOptions(cmd);
  setDefault(cmd, "--max-output-tokens", "maxOutputTokens", WRAP_MAX_OUTPUT_TOKENS);
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Writes <out>/instructions.jsonl (one record per kept document, in corpus order: id, instruction, output
(the response), document, grounding {score, unsupported, ...}, source, passage_id, meta),
<out>/dropped.jsonl (ingestion drops and empty, refused, invalid or ungrounded pairs, each with its
reason and grounding) and <out>/summary.json.
A document whose call fails after retries is logged and skipped; the run then ends with exit code 2 and
a re-run retries just those documents.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runWrap(opts);
  });
  return cmd;
}

/** Gives a shared option another default in this command (shown in --help too). */
function setDefault(cmd: Command, flag: string, key: string, value: unknown): void {
  const option = cmd.options.find((o) => o.long === flag);
  if (!option) throw new Error(`no option ${flag}`);
  option.default(value);
  cmd.setOptionValueWithSource(key, value, "default");
}

export async function runWrap(opts: Record<string, unknown>): Promise<number> {
  const corpus = checkCorpus(String(opts.corpus));
  const { unit: _unit, ...corpusOptions } = parseCorpusOptions(opts, "document");
  const groundingThreshold = opts.groundingThreshold as number;
  const generation = parseGenerationSettings(opts);
  const config = { corpus, corpusOptions, groundingThreshold, generation };
  return runMethodCommand("wrap", opts, config, async ({ engine, model, outDir, progress }) => {
    const stats = newDocumentStats();
    progress("wrap", () => ({ done: stats.finished, failed: stats.failed }));
    await wrapDocuments({
      engine,
      model,
      corpus,
      corpusOptions,
      outDir,
      groundingThreshold,
      generation,
      stats,
    });
    const headline = documentHeadline(stats, "grounded pairs");
    return methodOutcome(stats.stoppedBy, documentResult(stats, outDir), headline);
  });
}
