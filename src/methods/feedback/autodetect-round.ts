/**
 * One AutoDetect round after the taxonomy, in three phases of independent jobs, each decided in order
 * (`OrderedRound`: a failed call stops the phase after the calls in flight, and nothing after it is
 * decided, so a stopped run decides a prefix of what a whole run decides):
 *  1. (rounds 2+) for every point weak in the previous round: the Questioner's harder follow-ups (shown
 *     earlier questions, the student's answers and scores) and the Examiner's new sub-points;
 *  2. the Questioner's first questions for every new point (round 1: the taxonomy's points; later: the
 *     sub-points just added);
 *  3. every new question, once (deduplicated against the whole run): the teacher's reference answer and
 *     the student's answer, then the Assessor's score.
 * After the round, the points whose mean is below the threshold are this round's weak points: their
 * questions that scored below it become SFT records (the question and the teacher's reference).
 */
import {
  assessPrompt,
  FOLLOW_UP,
  followUpPrompt,
  type PointView,
  QUESTIONS,
  questionsPrompt,
  subPointsPrompt,
  type TriedQuestion,
} from "../../prompts/autodetect.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { AutodetectRoundStats, DetectContext } from "./autodetect-context.js";
import {
  decideScore,
  finishRound,
  type Pending,
  type Scored,
  takeQuestions,
  takeSubPoints,
} from "./autodetect-decide.js";
import type { ScoredQuestion, TestPoint } from "./autodetect-plan.js";
import {
  answerBoth,
  assessAnswer,
  type PointDraft,
  type QuestionDraft,
  questionsSchema,
  type Reply,
  subPointsSchema,
  teacherObject,
} from "./autodetect-roles.js";

/** Earlier questions shown to the Questioner for a follow-up (the released code shows 5)... */
export const HISTORY_SHOWN = 5;
/** ...of which up to this many failures, when there are more to show than fit. */
const FAILURES_FIRST = 3;
/** Failures shown to the Examiner when it proposes sub-points. */
export const FAILURES_SHOWN = 3;

export async function runRound(
  ctx: DetectContext,
  round: number,
  stats: AutodetectRoundStats,
): Promise<StopReason | undefined> {
  const pending: Pending[] = [];
  // Points that get their first questions: the taxonomy's in round 1, the new sub-points later.
  const fresh: TestPoint[] = round === 1 ? ctx.plan.all() : [];
  if (round > 1) {
    const weak = ctx.plan.weakIn(round - 1, ctx.settings.weakThreshold);
    stats.deepened = weak.length;
    const stop = await phase(
      ctx,
      weak,
      (point) => deepen(ctx, round, point),
      (point, { followUps, subPoints }) => {
        takeQuestions(ctx, round, point, "follow-up", FOLLOW_UP, followUps, pending);
        if (subPoints) fresh.push(...takeSubPoints(ctx, round, point, subPoints));
      },
    );
    if (stop) return stop;
    stats.newSubPoints = fresh.length;
  }
  const asked = await phase(
    ctx,
    fresh,
    (point) =>
      teacherObject(
        ctx.roles,
        questionsPrompt(ctx.task, view(point), ctx.settings.questionsPerPoint),
        questionsSchema,
        "questions",
        ctx.settings.teacher,
      ),
    (point, reply) => takeQuestions(ctx, round, point, "initial", QUESTIONS, reply, pending),
  );
  if (asked) return asked;
  stats.questions = pending.length;
  const answered = await phase(
    ctx,
    pending,
    (p) => answerAndAssess(ctx, p.draft.question),
    (p, result) => decideScore(ctx, round, p, result, stats),
  );
  if (answered) return answered;
  finishRound(ctx, round, stats);
  return undefined;
}

/** Runs `job` for every item (in order, at most `lookahead` at once) and decides the results in order. */
async function phase<I, T>(
  ctx: DetectContext,
  items: readonly I[],
  job: (item: I) => Promise<T>,
  decide: (item: I, value: T) => void,
): Promise<StopReason | undefined> {
  const round = new OrderedRound<{ item: I; value: T }>(
    ({ item, value }) => decide(item, value),
    ctx.lookahead,
    items.length + 1,
  );
  for (const item of items) {
    // The job prepares its draws before its first await; jobs start in item order.
    const started = await round.start(() => job(item).then((value) => ({ item, value })));
    if (!started) break;
  }
  return round.finish();
}

function view(point: TestPoint): PointView {
  return { path: point.path, description: point.description };
}

function tried(q: ScoredQuestion): TriedQuestion {
  return { question: q.question, answer: q.answer, score: q.score, reason: q.reason };
}

/**
 * What the Questioner sees of a weak point's earlier questions: all of them when few, else a seeded draw
 * of at most HISTORY_SHOWN that puts failures first (up to 3), in the order they were asked.
 */
function history(ctx: DetectContext, round: number, point: TestPoint): TriedQuestion[] {
  const all = ctx.plan.questions(point.id);
  if (all.length <= HISTORY_SHOWN) return all.map(tried);
  const rng = ctx.rng.fork(`autodetect/history/${round}/${point.id}`);
  const failed = all.filter((q) => q.score < ctx.settings.weakThreshold);
  const picked = new Set(rng.sample(failed, FAILURES_FIRST));
  const others = all.filter((q) => !picked.has(q));
  for (const q of rng.sample(others, HISTORY_SHOWN - picked.size)) picked.add(q);
  return all.filter((q) => picked.has(q)).map(tried);
}

/** The failures of a weak point's latest round shown to the Examiner: a seeded draw of FAILURES_SHOWN. */
function failures(ctx: DetectContext, round: number, point: TestPoint): TriedQuestion[] {
  const last = ctx.plan
    .questions(point.id)
    .filter((q) => q.round === round - 1 && q.score < ctx.settings.weakThreshold);
  const rng = ctx.rng.fork(`autodetect/failures/${round}/${point.id}`);
  const picked = new Set(rng.sample(last, FAILURES_SHOWN));
  return last.filter((q) => picked.has(q)).map(tried);
}

interface Deepening {
  followUps: Reply<{ questions: QuestionDraft[] }>;
  subPoints: Reply<{ sub_points: PointDraft[] }> | undefined;
}

/** Both calls for a weak point, asked at once (both draws numbered before the first await). */
function deepen(ctx: DetectContext, round: number, point: TestPoint): Promise<Deepening> {
  const { settings } = ctx;
  const followUps = teacherObject(
    ctx.roles,
    followUpPrompt(ctx.task, view(point), history(ctx, round, point), settings.questionsPerPoint),
    questionsSchema,
    "questions",
    settings.teacher,
  );
  const mean = ctx.plan.inRound(point.id, round - 1)?.mean ?? 0;
  const existing = ctx.plan.children(point.id).map((p) => p.name);
  const subPoints =
    settings.subPoints > 0
      ? teacherObject(
          ctx.roles,
          subPointsPrompt(
            ctx.task,
            view(point),
            mean,
            failures(ctx, round, point),
            existing,
            settings.subPoints,
          ),
          subPointsSchema,
          "sub_points",
          settings.teacher,
        )
      : Promise.resolve(undefined);
  return Promise.all([followUps, subPoints]).then(([f, s]) => ({ followUps: f, subPoints: s }));
}

async function answerAndAssess(ctx: DetectContext, question: string): Promise<Scored> {
  const answers = await answerBoth(ctx.roles, question, ctx.settings.reference, ctx.settings.student);
  const prompt = assessPrompt(question, answers.reference, answers.answer);
  const assessment = await assessAnswer(ctx.roles, prompt, ctx.settings.assessor);
  return { answers, assessment };
}
