/**
 * LLM2LLM (Lee et al., 2024). The algorithm:
 *  0. The training set is the labelled seed data.
 *  1. Each iteration, the student answers every example of the training set (seeds and added ones)
 *     and a checker grades each answer against its reference (exam.ts).
 *  2. For every SEED the student got wrong, the teacher writes K new examples like it; they join the
 *     training set (an exact repeat of a question already in it does not). Failures on added examples
 *     are counted but never augmented: the paper found augmenting them drifts away from the task.
 *  3. The student learns the grown set (the user's --student-cmd fine-tunes it between iterations),
 *     and the next iteration begins.
 * Output, in `outDir`: train-<i>.jsonl (the set iteration i asked), final.jsonl (the set after the last
 * iteration), answers.jsonl, added.jsonl, dropped.jsonl; see llm2llm-records.ts.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { canonicalJson, sha256 } from "../../util/canonical.js";
import type { GenerationSettings } from "../responses/respond.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { Checker } from "./checkers.js";
import { type LabelledExample, runExam } from "./exam.js";
import { augmentFailures } from "./llm2llm-augment.js";
import { answerRecord, Llm2LlmOutputs, seedMember, type TrainingExample } from "./llm2llm-records.js";
import { updateStudent } from "./student-command.js";

export interface Llm2LlmSettings {
  /** Iterations of exam and augmentation. */
  iterations: number;
  /** New examples the teacher writes for each failed seed (K). */
  perError: number;
  /** The student's sampling: greedy by default, an exam should not depend on luck. */
  studentGeneration: GenerationSettings;
  /** The teacher's sampling when it writes new examples. */
  teacherGeneration: GenerationSettings;
  /** Shell command that updates the student between iterations (see student-command.ts). */
  studentCommand?: string;
}

export const LLM2LLM_DEFAULTS = {
  studentGeneration: { temperature: 0, maxTokens: 1024 },
  teacherGeneration: { temperature: 0.7, maxTokens: 2048 },
} satisfies Partial<Llm2LlmSettings>;

export interface Llm2LlmOptions extends Partial<Llm2LlmSettings> {
  engine: RunEngine;
  /** The teacher: writes the new examples (and judges, with the judge checker). */
  teacher: LanguageModel;
  /** The model being taught; the teacher when omitted. */
  student?: LanguageModel;
  checker: Checker;
  /** The labelled seed data (`readLabelled`). */
  seeds: readonly LabelledExample[];
  /** Directory of the output files (must exist). */
  outDir: string;
  /** Settings besides these that decide the run's output (e.g. a judge's rubric), for the pinned recipe. */
  recipeExtras?: Record<string, unknown>;
  /** Calls in progress at once per step; default twice the model's concurrency. */
  lookahead?: number;
  /** Counters updated as the run goes (live progress); a fresh object when omitted. */
  stats?: Llm2LlmStats;
}

export interface Accuracy {
  asked: number;
  correct: number;
  /** correct / asked (0 when nothing was asked). */
  accuracy: number;
}

export interface Llm2LlmIteration {
  iteration: number;
  /** Size of the training set the student answered. */
  examples: number;
  /** Whether --student-cmd ran before this iteration in this session (false: not given, first, or done before). */
  studentUpdated: boolean;
  seeds: Accuracy;
  all: Accuracy;
  failures: { seeds: number; added: number };
  /** New examples that joined the set, and the teacher's examples that did not, by reason. */
  added: number;
  dropped: Record<string, number>;
}

export interface Llm2LlmStats {
  iterations: number;
  completedIterations: number;
  seeds: number;
  perError: number;
  checker: string;
  perIteration: Llm2LlmIteration[];
  /** Size of final.jsonl (0 until the last iteration is done). */
  finalSet: number;
  written: { answers: number; added: number; dropped: number };
  alreadyWritten: { answers: number; added: number };
  stoppedBy?: StopReason;
}

export function newLlm2LlmStats(): Llm2LlmStats {
  return {
    iterations: 0,
    completedIterations: 0,
    seeds: 0,
    perError: 0,
    checker: "",
    perIteration: [],
    finalSet: 0,
    written: { answers: 0, added: 0, dropped: 0 },
    alreadyWritten: { answers: 0, added: 0 },
  };
}

export async function llm2llm(options: Llm2LlmOptions): Promise<Llm2LlmStats> {
  const { engine, teacher, checker } = options;
  const student = options.student ?? teacher;
  const settings = resolveSettings(options);
  if (options.seeds.length === 0) throw new Error("no labelled examples to train on");
  const seeds = options.seeds.map(seedMember);
  // Everything that decides what the iterations make; more iterations later only extend the run.
  pinRecipe(engine.runDir, "llm2llm", {
    perError: settings.perError,
    checker: checker.spec,
    studentGeneration: settings.studentGeneration,
    teacherGeneration: settings.teacherGeneration,
    studentCommand: settings.studentCommand ?? null,
    seeds: sha256(canonicalJson(seeds.map((s) => [s.id, s.question, s.answer]))),
    teacher: teacher.id,
    student: student.id,
    ...options.recipeExtras,
  });

  const stats = options.stats ?? newLlm2LlmStats();
  Object.assign(stats, { iterations: settings.iterations, seeds: seeds.length });
  Object.assign(stats, { perError: settings.perError, checker: checker.spec });
  const outputs = await Llm2LlmOutputs.open(options.outDir, engine.runDir.events);
  const sync = () => syncWritten(stats, outputs);
  const draws = new Draws(engine);
  const set: TrainingExample[] = [...seeds];
  const questions = new Map<string, string>();
  for (const s of seeds) if (!questions.has(s.question)) questions.set(s.question, s.id);

  try {
    for (let iteration = 1; iteration <= settings.iterations; iteration++) {
      const { path } = await outputs.writeSet(`train-${iteration}`, set);
      const command = settings.studentCommand;
      const studentUpdated =
        command !== undefined && iteration > 1
          ? await updateStudent(engine.runDir, { command, iteration, trainFile: path })
          : false;
      const figures = newIteration(iteration, set.length, studentUpdated);
      stats.perIteration.push(figures);

      // An updated student answers anew: its answers are another draw of the same requests.
      const draw = command !== undefined ? iteration - 1 : 0;
      const lookahead = options.lookahead ?? 2 * engine.lane(student).settings.concurrency;
      const exam = await runExam(engine, student, checker, set, {
        generation: settings.studentGeneration,
        lookahead,
        draw,
      });
      const failedSeeds: TrainingExample[] = [];
      for (const r of exam.results) {
        outputs.answers.write(answerRecord(iteration, r, student.modelName, checker.spec));
        count(figures, r.example.origin, r.verdict.correct);
        if (!r.verdict.correct && r.example.origin === "seed") failedSeeds.push(r.example);
      }
      sync();
      if (exam.stop) {
        stats.stoppedBy = exam.stop;
        break;
      }

      const droppedBefore = { ...outputs.drops.byReason };
      const stop = await augmentFailures(
        {
          engine,
          teacher,
          draws,
          generation: settings.teacherGeneration,
          perError: settings.perError,
          iteration,
          lookahead: options.lookahead ?? 2 * engine.lane(teacher).settings.concurrency,
          questions,
          drops: outputs.drops,
          add: (member, record) => {
            set.push(member);
            outputs.added.write(record);
            figures.added++;
          },
        },
        failedSeeds,
      );
      for (const [reason, n] of Object.entries(outputs.drops.byReason)) {
        const delta = n - (droppedBefore[reason] ?? 0);
        if (delta > 0) figures.dropped[reason] = delta;
      }
      sync();
      if (stop) {
        stats.stoppedBy = stop;
        break;
      }
      stats.completedIterations = iteration;
    }
    if (!stats.stoppedBy) {
      await outputs.writeSet("final", set);
      stats.finalSet = set.length;
    }
  } finally {
    sync();
    outputs.close();
  }
  return stats;
}

function newIteration(iteration: number, examples: number, studentUpdated: boolean): Llm2LlmIteration {
  return {
    iteration,
    examples,
    studentUpdated,
    seeds: { asked: 0, correct: 0, accuracy: 0 },
    all: { asked: 0, correct: 0, accuracy: 0 },
    failures: { seeds: 0, added: 0 },
    added: 0,
    dropped: {},
  };
}

function count(figures: Llm2LlmIteration, origin: "seed" | "added", correct: boolean): void {
  const groups = origin === "seed" ? [figures.seeds, figures.all] : [figures.all];
  for (const g of groups) {
    g.asked++;
    if (correct) g.correct++;
    g.accuracy = g.correct / g.asked;
  }
  if (!correct) figures.failures[origin === "seed" ? "seeds" : "added"]++;
}

function syncWritten(stats: Llm2LlmStats, outputs: Llm2LlmOutputs): void {
  stats.written = {
    answers: outputs.answers.written,
    added: outputs.added.written,
    dropped: outputs.drops.total,
  };
  stats.alreadyWritten = { answers: outputs.answers.alreadyThere, added: outputs.added.alreadyThere };
}

function resolveSettings(options: Partial<Llm2LlmSettings>): Llm2LlmSettings {
  const s: Llm2LlmSettings = {
    iterations: options.iterations ?? 1,
    perError: options.perError ?? 1,
    studentGeneration: withDefaults(LLM2LLM_DEFAULTS.studentGeneration, options.studentGeneration),
    teacherGeneration: withDefaults(LLM2LLM_DEFAULTS.teacherGeneration, options.teacherGeneration),
  };
  if (options.studentCommand !== undefined) s.studentCommand = options.studentCommand;
  if (!Number.isInteger(s.iterations) || s.iterations < 1)
    throw new RangeError(`iterations must be 1 or more, got ${s.iterations}`);
  if (!Number.isInteger(s.perError) || s.perError < 1)
    throw new RangeError(`perError must be 1 or more, got ${s.perError}`);
  return s;
}
