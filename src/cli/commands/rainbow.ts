import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import type { ResolvedModelConfig } from "../../llm/resolve-model.js";
import {
  newRainbowStats,
  RAINBOW_DEFAULTS,
  type RainbowStats,
  rainbowTeaming,
} from "../../methods/feedback/rainbow.js";
import { type Axis, DEFAULT_AXES, readAxesFile } from "../../methods/feedback/rainbow-axes.js";
import type { SeedPrompt } from "../../methods/feedback/rainbow-candidate.js";
import { SAFETY_FILES, SEARCH_FILES } from "../../methods/feedback/rainbow-records.js";
import { readSeedTasks } from "../../methods/in-context/seed-tasks.js";
import { canonicalJson } from "../../util/canonical.js";
import { addMethodOptions, methodOutcome, runMethodCommand } from "../method-command.js";
import { addGenerationOptions, num, parseGenerationSettings, positiveInt } from "../options.js";
import { addRoleOptions, roleConfig } from "../roles.js";

const D = RAINBOW_DEFAULTS;
const ROLES = ["mutator", "target", "judge", "teacher"] as const;
type Role = (typeof ROLES)[number];

function share(value: string): number {
  const n = num(value);
  if (n < 0 || n > 1) throw new InvalidArgumentError(`expected a number from 0 to 1, got "${value}"`);
  return n;
}

export function rainbowCommand(): Command {
  const cmd = new Command("rainbow")
    .description(
      "Rainbow Teaming: a MAP-Elites search for prompts the target handles badly, over a grid of features (default: risk category x attack style); the mutator rewrites prompts toward a cell, the judge keeps the most effective prompt per cell",
    )
    .requiredOption(
      "--iterations <n>",
      "total iterations of the search (a re-run with more continues)",
      positiveInt,
    )
    .option("--axes <file>", "YAML or JSON grid: {objective?, axes: [{name, values: [...]}]}, 1 to 3 axes")
    .option(
      "--objective <text>",
      "what the target's reply shows when a prompt succeeds (overrides the axes file's)",
    )
    .option(
      "--seeds <file>",
      "parent prompts while the archive is empty: text (one a line), Alpaca or Self-Instruct",
    )
    .option(
      "--batch-size <k>",
      "candidates per iteration, made from the archive at its start",
      positiveInt,
      D.batchSize,
    )
    .option(
      "--bleu-threshold <x>",
      "drop a child whose BLEU against its parent is above this",
      share,
      D.bleuThreshold,
    )
    .option(
      "--seed-share <p>",
      "probability of a seed parent once the archive has prompts",
      share,
      D.seedShare,
    )
    .option(
      "--safe-responses",
      "the teacher writes a safe reply to every archive prompt (sft.jsonl, preferences.jsonl)",
    );
  addRoleOptions(cmd, "mutator", "model that rewrites prompts toward a cell", { bare: true });
  addRoleOptions(cmd, "target", "model under test", { bare: true });
  addRoleOptions(cmd, "judge", "model that scores replies and compares tests", { bare: true });
  addRoleOptions(cmd, "teacher", "model that writes the safe responses", { bare: true });
  cmd
    .option(
      "--target-temperature <t>",
      "sampling temperature of the target's replies",
      num,
      D.sampling.target.temperature,
    )
    .option(
      "--target-max-output-tokens <n>",
      "token limit of the target's replies",
      positiveInt,
      D.sampling.target.maxTokens,
    )
    .option(
      "--judge-max-output-tokens <n>",
      "token limit of the judge's replies",
      positiveInt,
      D.sampling.judge.maxTokens,
    )
    .option(
      "--teacher-temperature <t>",
      "sampling temperature of the safe responses",
      num,
      D.sampling.teacher.temperature,
    )
    .option(
      "--teacher-max-output-tokens <n>",
      "token limit of the safe responses",
      positiveInt,
      D.sampling.teacher.maxTokens,
    );
  addGenerationOptions(cmd, {
    temperature: D.sampling.mutator.temperature,
    maxTokens: D.sampling.mutator.maxTokens,
  });
  addMethodOptions(cmd);
  cmd.addHelpText(
    "after",
    `
--model is the default of every role (without it, --mutator is the main model). --temperature,
--top-p, --max-output-tokens and --stop apply to the mutator; --system is the target's system message;
--sampling-seed goes with every call; the judge is greedy. Writes <out>/archive.json (the saved search,
resumed by a re-run), <out>/archive.jsonl (one record per filled cell), <out>/candidates.jsonl (every
candidate and its outcome), <out>/iterations.jsonl (coverage and mean score per iteration),
<out>/grid.json (heat-map data), <out>/dropped.jsonl, with --safe-responses <out>/sft.jsonl and
<out>/preferences.jsonl, and <out>/summary.json.`,
  );
  cmd.action(async (opts: Record<string, unknown>) => {
    process.exitCode = await runRainbow(opts);
  });
  return cmd;
}

export async function runRainbow(opts: Record<string, unknown>): Promise<number> {
  // Inputs first: a bad axes or seeds file should cost nothing.
  const axesPath = opts.axes === undefined ? undefined : resolve(String(opts.axes));
  const file = axesPath ? await readAxesFile(axesPath) : undefined;
  const axes: Axis[] = file?.axes ?? DEFAULT_AXES;
  const objective = (opts.objective as string | undefined)?.trim() || file?.objective;
  const seedsPath = opts.seeds === undefined ? undefined : resolve(String(opts.seeds));
  const seeds = seedsPath ? await readSeedPrompts(seedsPath) : undefined;
  const mutatorName = (opts.mutator ?? opts.mutatorModel) as string | undefined;
  if (opts.model === undefined && mutatorName !== undefined) opts.model = mutatorName;

  const g = parseGenerationSettings(opts);
  const settings = {
    iterations: opts.iterations as number,
    batchSize: opts.batchSize as number,
    bleuThreshold: opts.bleuThreshold as number,
    seedShare: opts.seedShare as number,
    safeResponses: opts.safeResponses === true,
    sampling: {
      mutator: {
        temperature: g.temperature,
        topP: g.topP,
        maxTokens: g.maxTokens,
        stop: g.stop,
        seed: g.seed,
      },
      target: {
        temperature: opts.targetTemperature as number,
        maxTokens: opts.targetMaxOutputTokens as number,
        system: g.system,
        seed: g.seed,
      },
      judge: { ...D.sampling.judge, maxTokens: opts.judgeMaxOutputTokens as number, seed: g.seed },
      teacher: {
        temperature: opts.teacherTemperature as number,
        maxTokens: opts.teacherMaxOutputTokens as number,
        seed: g.seed,
      },
    },
  };
  // Roles naming the same model share one model (and lane); `slots` maps each role to its extra model.
  const slots = new Map<Role, number>();
  const extraModels = (main: ResolvedModelConfig): ResolvedModelConfig[] => {
    const configs: ResolvedModelConfig[] = [];
    for (const role of ROLES) {
      const c = roleConfig(main, opts, role);
      if (!c) continue;
      let at = configs.findIndex((other) => canonicalJson(other) === canonicalJson(c));
      if (at === -1) at = configs.push(c) - 1;
      slots.set(role, at);
    }
    return configs;
  };
  const roleNames = Object.fromEntries(ROLES.map((r) => [r, opts[r] ?? opts[`${r}Model`] ?? null]));
  const config = {
    axes: axesPath ?? null,
    seeds: seedsPath ?? null,
    objective: objective ?? null,
    ...settings,
    roles: roleNames,
  };
  return runMethodCommand(
    "rainbow",
    opts,
    config,
    async ({ engine, model, extraModels: extras, outDir, progress }) => {
      const of = (role: Role) => {
        const at = slots.get(role);
        return at === undefined ? model : (extras[at] ?? model);
      };
      const stats = newRainbowStats();
      progress("rainbow", () => ({ done: stats.completedIterations, total: settings.iterations, failed: 0 }));
      await rainbowTeaming({
        engine,
        mutator: of("mutator"),
        target: of("target"),
        judge: of("judge"),
        teacher: of("teacher"),
        axes,
        ...(objective ? { objective } : {}),
        ...(seeds ? { seeds } : {}),
        outDir,
        ...settings,
        stats,
      });
      const { stoppedBy, ...figures } = stats;
      const files = settings.safeResponses ? [...SEARCH_FILES, ...SAFETY_FILES] : SEARCH_FILES;
      const models = Object.fromEntries(ROLES.map((r) => [r, of(r).modelName]));
      const result = {
        models,
        ...figures,
        files: Object.fromEntries(files.map((f) => [f, resolve(outDir, f)])),
      };
      return methodOutcome(stoppedBy, result, headline(stats));
    },
    { extraModels },
  );
}

async function readSeedPrompts(path: string): Promise<SeedPrompt[]> {
  const { tasks } = await readSeedTasks(path);
  return tasks.map((t) => {
    const input = t.instances[0]?.input ?? "";
    return { id: t.id, prompt: input === "" ? t.instruction : `${t.instruction}\n\n${input}` };
  });
}

function headline(s: RainbowStats): string {
  const mean = s.meanScore === null ? "-" : s.meanScore.toFixed(2);
  const o = s.outcomes;
  let line =
    `${s.completedIterations} of ${s.iterations} iterations: ${s.filled} of ${s.cells} cells filled ` +
    `(${(100 * s.coverage).toFixed(1)}%, mean score ${mean}); this session ${o.inserted} inserted, ` +
    `${o["replaced-incumbent"]} replaced, ${o.lost} lost, ${o["too-similar"]} too similar, ${o.failed} failed`;
  if (s.resumedFrom > 0) line += `; resumed after iteration ${s.resumedFrom}`;
  if (s.safeResponses > 0) line += `; ${s.safeResponses} safe responses`;
  return line;
}
