import { resolve } from "node:path";
import { Command } from "commander";
import { newReflectStats, type ReflectStats, reflect } from "../../methods/feedback/reflect.js";
import { addScoringOptions, parseScoringOptions } from "../ifd-options.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, parseGenerationSettings } from "../options.js";
import { addRoleOptions, roleConfig } from "../roles.js";

export function reflectCommand(): Command {
  const cmd = new Command("reflect")
    .description(
      "Selective Reflection-Tuning: the teacher rewrites each instruction, then its answer; the student's IFD and r-IFD decide which versions are kept",
    )
    .requiredOption(
      "--in <file>",
      "SFT records: JSONL, JSON, CSV or Parquet (instruction/input/output, response, or messages)",
    )
    .option("--teacher <name>", "the teacher model that reflects and rewrites (same as --model)");
  addRoleOptions(
    cmd,
    "student",
    "the model whose perplexities choose (a local GGUF, or a server with prompt log-probabilities)",
    {
      bare: true,
    },
  );
  addScoringOptions(cmd, "the student");
  addGenerationOptions(cmd, { temperature: 0.7, maxTokens: 2048 });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--teacher (or --model) writes; --student scores (default: the teacher itself). --temperature, --top-p,
--max-output-tokens, --stop, --sampling-seed and --system apply to the teacher's calls. Writes
<out>/reflected.jsonl (the chosen instruction and output, both versions of each with critiques, IFD and
r-IFD, and the reasons of both choices), <out>/dropped.jsonl and <out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runReflectCommand(opts);
  });
  return cmd;
}

export async function runReflectCommand(opts: Record<string, unknown>): Promise<number> {
  if (opts.teacher !== undefined) {
    if (opts.model !== undefined && opts.model !== opts.teacher) {
      throw new Error(`--teacher and --model name different models ("${opts.teacher}", "${opts.model}")`);
    }
    opts.model = opts.teacher;
  }
  const inputPath = resolve(String(opts.in));
  const scoring = parseScoringOptions(opts);
  const teacherGeneration = parseGenerationSettings(opts);
  const config = { in: inputPath, ...scoring, teacherGeneration };
  return runMethodCommand(
    "reflect",
    opts,
    config,
    async ({ engine, model, extraModels, outDir, progress }) => {
      const student = extraModels[0] ?? model;
      const stats = newReflectStats();
      progress("reflect", () => ({
        done: stats.written + stats.alreadyWritten,
        total: stats.read,
        failed: 0,
      }));
      await reflect({
        engine,
        teacher: model,
        student,
        inputPath,
        outDir,
        ...scoring,
        teacherGeneration,
        stats,
      });
      const { stop, ...figures } = stats;
      const result = {
        teacher: model.modelName,
        student: student.modelName,
        ...figures,
        files: { reflected: resolve(outDir, "reflected.jsonl"), dropped: resolve(outDir, "dropped.jsonl") },
      };
      return methodOutcome(stop, result, headline(stats));
    },
    {
      extraModels: (main) => {
        const student = roleConfig(main, opts, "student");
        return student ? [student] : [];
      },
    },
  );
}

function headline(s: ReflectStats): string {
  let line = `${s.written} pairs written of ${s.read} read; reflected instruction kept ${s.instructionChoice.reflected}, reflected answer kept ${s.responseChoice.reflected}`;
  const dropped = Object.entries(s.dropped).map(([reason, n]) => `${reason} ${n}`);
  if (dropped.length > 0) line += `; dropped: ${dropped.join(", ")}`;
  if (s.alreadyWritten) line += `; ${s.alreadyWritten} done before`;
  return line;
}
