/**
 * AutoDetect (Cheng et al., 2024): find where a student model is weak at a task, then turn the weaknesses
 * into training data. The teacher plays three roles; the student only answers. The algorithm:
 *  1. The Examiner lays out a taxonomy of the task: categories, each with test points (structured).
 *  2. The Questioner writes hard questions for every point; the teacher writes a reference answer to
 *     each, the student answers it, and the Assessor scores the answer from 1 to 10 with a reason,
 *     comparing it with the reference.
 *  3. A point whose mean score in a round is below the threshold is weak. In the next round only weak
 *     points are deepened: the Questioner writes harder follow-ups (after seeing the earlier questions,
 *     the answers and the scores) and the Examiner proposes narrower sub-points, which get questions of
 *     their own. Strong points are not asked again.
 *  4. Rounds repeat (`rounds`, or until no point is weak). The questions of weak points that scored
 *     below the threshold, with the teacher's reference answers, are the SFT data.
 * Each round depends on the one before, so a failed call stops the run after the calls in flight, and a
 * re-run (answered from the cache) goes on from there. The round's phases: autodetect-round.ts; files:
 * autodetect-records.ts.
 */
import type { RunEngine } from "../../engine/engine.js";
import type { LanguageModel } from "../../llm/language-model.js";
import { TAXONOMY, taxonomyPrompt } from "../../prompts/autodetect.js";
import { promptTag } from "../../prompts/prompt.js";
import { ExactDedup } from "../../text/exact-dup.js";
import { contentId } from "../../util/canonical.js";
import { Draws } from "../shared/draws.js";
import { pinRecipe } from "../shared/recipe.js";
import { withDefaults } from "../shared/settings.js";
import { type StopReason, stopReasonOf } from "../shared/stop-reason.js";
import {
  type AutodetectRoundStats,
  type DetectContext,
  type DetectSettings,
  newRoundStats,
} from "./autodetect-context.js";
import { round3, TestPlan } from "./autodetect-plan.js";
import { AutodetectOutputs, taxonomySnapshot, weaknessTable } from "./autodetect-records.js";
import {
  type Reply,
  type RoleContext,
  type Taxonomy,
  taxonomySchema,
  teacherObject,
} from "./autodetect-roles.js";
import { runRound } from "./autodetect-round.js";

export type { AutodetectRoundStats } from "./autodetect-context.js";

export interface AutodetectSettings extends DetectSettings {
  /** Rounds: the first tests the taxonomy, each later one deepens the weak points of the one before. */
  rounds: number;
  /** Categories of the taxonomy, and test points per category. */
  categories: number;
  pointsPerCategory: number;
}

export const AUTODETECT_DEFAULTS: AutodetectSettings = {
  rounds: 2,
  categories: 4,
  pointsPerCategory: 3,
  // The released code starts every point with 5 questions.
  questionsPerPoint: 5,
  subPoints: 2,
  weakThreshold: 6,
  teacher: { temperature: 1, maxTokens: 2048 },
  reference: { temperature: 0, maxTokens: 2048 },
  assessor: { temperature: 0, maxTokens: 1024 },
  // The released code samples the student at temperature 0.6, top-p 0.9, up to 1024 new tokens.
  student: { temperature: 0.6, topP: 0.9, maxTokens: 1024 },
};

export interface AutodetectOptions extends Partial<AutodetectSettings> {
  engine: RunEngine;
  /** The teacher: Examiner, Questioner, Assessor, reference answers. */
  model: LanguageModel;
  /** The model under test (the student); default: the teacher itself. */
  studentModel?: LanguageModel;
  /** What the student should be good at, in a few sentences. */
  task: string;
  /** Directory of the output files (must exist). */
  outDir: string;
  /** Jobs in progress at once; default twice the teacher's concurrency. */
  lookahead?: number;
  /** Counters updated as the run goes (live progress); a fresh object when omitted. */
  stats?: AutodetectStats;
}

export interface AutodetectStats {
  rounds: number;
  /** Rounds finished (a stopped run, or one that ran out of weak points, finishes fewer). */
  completedRounds: number;
  /** Why the rounds ended before `rounds` without a stop, e.g. no weak point left. */
  endedEarly?: string;
  categories: number;
  /** Test points in the plan, the sub-points among them. */
  points: number;
  subPoints: number;
  /** Questions scored, their mean, and the points of the weakness table. */
  scored: number;
  meanScore: number | null;
  weakPoints: number;
  sft: number;
  perRound: AutodetectRoundStats[];
  dropped: Record<string, number>;
  written: { questions: number; sft: number; dropped: number };
  /** Records found already written by an earlier session. */
  alreadyWritten: { questions: number; sft: number };
  stoppedBy?: StopReason;
}

export function newAutodetectStats(): AutodetectStats {
  return {
    rounds: 0,
    completedRounds: 0,
    categories: 0,
    points: 0,
    subPoints: 0,
    scored: 0,
    meanScore: null,
    weakPoints: 0,
    sft: 0,
    perRound: [],
    dropped: {},
    written: { questions: 0, sft: 0, dropped: 0 },
    alreadyWritten: { questions: 0, sft: 0 },
  };
}

export async function autodetect(options: AutodetectOptions): Promise<AutodetectStats> {
  const { engine, model: teacher } = options;
  const student = options.studentModel ?? teacher;
  const settings = resolveSettings(options);
  const task = options.task.trim();
  if (task === "") throw new Error("the task description is empty");
  // Everything that decides what the rounds make; resuming with other values would mix two runs.
  pinRecipe(engine.runDir, "autodetect", {
    task,
    ...settings,
    rngSeed: engine.rng.seed,
    teacher: teacher.id,
    student: student.id,
  });

  const stats = options.stats ?? newAutodetectStats();
  stats.rounds = settings.rounds;
  const outputs = await AutodetectOutputs.open(options.outDir, engine.runDir.events);
  stats.dropped = outputs.drops.byReason;
  const roles: RoleContext = { engine, teacher, student, draws: new Draws(engine) };
  const plan = new TestPlan();
  const ctx: DetectContext = {
    roles,
    rng: engine.rng,
    task,
    settings,
    plan,
    outputs,
    seen: new ExactDedup(),
    lookahead: options.lookahead ?? 2 * engine.lane(teacher).settings.concurrency,
    models: { teacher: teacher.modelName, student: student.modelName },
  };
  const snapshots = (round: number, origin: { prompt: string; call: string }) => {
    const header = {
      task,
      weak_threshold: settings.weakThreshold,
      completed_rounds: round,
      model: teacher.modelName,
      student_model: student.modelName,
      origin,
    };
    outputs.writeJson("taxonomy.json", taxonomySnapshot(plan, header, settings.weakThreshold));
    const table = weaknessTable(plan, settings.weakThreshold);
    outputs.writeJson("weaknesses.json", { ...header, weaknesses: table });
    stats.weakPoints = table.length;
  };

  try {
    let reply: Reply<Taxonomy>;
    try {
      reply = await teacherObject(
        roles,
        taxonomyPrompt(task, settings.categories, settings.pointsPerCategory),
        taxonomySchema,
        "taxonomy",
        settings.teacher,
      );
    } catch (error) {
      stats.stoppedBy = stopReasonOf(error);
      return stats;
    }
    const origin = { prompt: promptTag(TAXONOMY), call: reply.call };
    if (!reply.ok) {
      throw new Error(
        `the Examiner's taxonomy could not be read (${reply.error}); try another --model or --temperature`,
      );
    }
    takeTaxonomy(ctx, settings, reply.value, origin);
    stats.categories = plan.categories.length;
    snapshots(0, origin);
    for (let round = 1; round <= settings.rounds; round++) {
      if (round > 1 && plan.weakIn(round - 1, settings.weakThreshold).length === 0) {
        stats.endedEarly = `no weak point after round ${round - 1}`;
        break;
      }
      const roundStats = newRoundStats(round);
      stats.perRound.push(roundStats);
      const stop = await runRound(ctx, round, roundStats);
      sync(stats, outputs, plan);
      if (stop) {
        stats.stoppedBy = stop;
        break;
      }
      stats.completedRounds = round;
      snapshots(round, origin);
    }
  } finally {
    sync(stats, outputs, plan);
    outputs.close();
  }
  return stats;
}

/** The Examiner's taxonomy into the plan: the first N categories and M points of each, minus empty or repeated ones. */
function takeTaxonomy(
  ctx: DetectContext,
  settings: AutodetectSettings,
  taxonomy: Taxonomy,
  origin: { prompt: string; call: string },
): void {
  const { plan, outputs } = ctx;
  const drop = (reason: string, path: string[]) =>
    outputs.drops.drop({
      id: contentId(["autodetect-point", ...path]),
      reason,
      point_path: path,
      meta: { method: "autodetect", step: "taxonomy", round: 0, model: ctx.models.teacher, ...origin },
    });
  for (const category of taxonomy.categories.slice(0, settings.categories)) {
    const name = category.name.trim();
    if (name === "") {
      drop("empty-category", [name]);
      continue;
    }
    for (const draft of category.points.slice(0, settings.pointsPerCategory)) {
      const path = [name, draft.name.trim()];
      if (path[1] === "") {
        drop("empty-point", path);
        continue;
      }
      const point = plan.add({
        path,
        name: path[1] as string,
        description: draft.description.trim(),
        parentId: null,
        addedRound: 1,
        origin,
      });
      if (point) plan.addCategory(name);
      else drop("duplicate-point", path);
    }
  }
  if (plan.size === 0) throw new Error("the Examiner's taxonomy has no test points; try another --model");
}

function sync(stats: AutodetectStats, outputs: AutodetectOutputs, plan: TestPlan): void {
  stats.points = plan.size;
  stats.subPoints = plan.all().filter((p) => p.parentId !== null).length;
  const scored = stats.perRound.reduce((n, r) => n + r.scored, 0);
  let sum = 0;
  for (const p of plan.all()) for (const q of plan.questions(p.id)) sum += q.score;
  stats.scored = scored;
  stats.meanScore = scored > 0 ? round3(sum / scored) : null;
  stats.sft = stats.perRound.reduce((n, r) => n + r.sft, 0);
  stats.written = {
    questions: outputs.questions.written,
    sft: outputs.sft.written,
    dropped: outputs.drops.total,
  };
  stats.alreadyWritten = { questions: outputs.questions.alreadyThere, sft: outputs.sft.alreadyThere };
}

function resolveSettings(options: Partial<AutodetectSettings>): AutodetectSettings {
  const D = AUTODETECT_DEFAULTS;
  const s: AutodetectSettings = {
    rounds: options.rounds ?? D.rounds,
    categories: options.categories ?? D.categories,
    pointsPerCategory: options.pointsPerCategory ?? D.pointsPerCategory,
    questionsPerPoint: options.questionsPerPoint ?? D.questionsPerPoint,
    subPoints: options.subPoints ?? D.subPoints,
    weakThreshold: options.weakThreshold ?? D.weakThreshold,
    teacher: withDefaults(D.teacher, options.teacher),
    reference: withDefaults(D.reference, options.reference),
    assessor: withDefaults(D.assessor, options.assessor),
    student: withDefaults(D.student, options.student),
  };
  for (const name of ["rounds", "categories", "pointsPerCategory", "questionsPerPoint"] as const) {
    if (!Number.isInteger(s[name]) || s[name] < 1)
      throw new RangeError(`${name} must be 1 or more, got ${s[name]}`);
  }
  if (!Number.isInteger(s.subPoints) || s.subPoints < 0)
    throw new RangeError(`subPoints must be 0 or more, got ${s.subPoints}`);
  if (!(s.weakThreshold > 1 && s.weakThreshold <= 10))
    throw new RangeError(`weakThreshold must be above 1 and at most 10, got ${s.weakThreshold}`);
  return s;
}
