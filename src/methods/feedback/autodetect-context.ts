/**
 * What AutoDetect's round steps share: the settings that decide a round, the run's state (plan, files,
 * the questions asked so far) and the figures of a round.
 */
import type { Rng } from "../../engine/rng.js";
import type { ExactDedup } from "../../text/exact-dup.js";
import type { GenerationSettings } from "../responses/respond.js";
import type { TestPlan } from "./autodetect-plan.js";
import type { AutodetectMeta, AutodetectOutputs } from "./autodetect-records.js";
import type { RoleContext } from "./autodetect-roles.js";

export interface DetectSettings {
  questionsPerPoint: number;
  /** New sub-points the Examiner proposes under each weak point per round (0: none). */
  subPoints: number;
  weakThreshold: number;
  /** Sampling of the Examiner and the Questioner. */
  teacher: GenerationSettings;
  /** Sampling of the teacher's reference answers. */
  reference: GenerationSettings;
  /** Sampling of the Assessor. */
  assessor: GenerationSettings;
  /** Sampling of the student's answers. */
  student: GenerationSettings;
}

export interface DetectContext {
  roles: RoleContext;
  rng: Rng;
  task: string;
  settings: DetectSettings;
  plan: TestPlan;
  outputs: AutodetectOutputs;
  /** Every question asked in the run so far (normalized), so none is asked twice. */
  seen: ExactDedup;
  /** Jobs in progress at once. */
  lookahead: number;
  models: { teacher: string; student: string };
}

export interface AutodetectRoundStats {
  round: number;
  /** Points deepened this round (weak in the previous one). */
  deepened: number;
  /** Sub-points the Examiner added this round. */
  newSubPoints: number;
  /** Distinct questions asked of the student. */
  questions: number;
  /** Questions with a score. */
  scored: number;
  meanScore: number | null;
  /** Scores below the threshold. */
  failures: number;
  /** Points with a score this round, and those of them that are weak. */
  pointsTested: number;
  weakPoints: number;
  /** SFT records of this round (from its weak points' failures). */
  sft: number;
}

export function newRoundStats(round: number): AutodetectRoundStats {
  return {
    round,
    deepened: 0,
    newSubPoints: 0,
    questions: 0,
    scored: 0,
    meanScore: null,
    failures: 0,
    pointsTested: 0,
    weakPoints: 0,
    sft: 0,
  };
}

export function meta(ctx: DetectContext, step: string, round: number, prompts: string[]): AutodetectMeta {
  const { teacher, student } = ctx.models;
  return { method: "autodetect", step, round, model: teacher, student_model: student, prompts };
}
