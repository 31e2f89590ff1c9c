/**
 * AutoDetect's decisions, made in order as a round's jobs finish: which questions and sub-points are
 * taken (the first ones asked for, minus empty and repeated ones; the rest go to dropped.jsonl with the
 * reason), the scored questions written to questions.jsonl, and, once the round is done, its figures
 * and its SFT records (the failed questions of the round's weak points with the teacher's references).
 */
import { ASSESS, SUB_POINTS } from "../../prompts/autodetect.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import { type AutodetectRoundStats, type DetectContext, meta } from "./autodetect-context.js";
import { round3, type TestPoint } from "./autodetect-plan.js";
import type { QuestionRecord } from "./autodetect-records.js";
import type { Answers, Assessment, PointDraft, QuestionDraft, Reply } from "./autodetect-roles.js";

export interface Pending {
  point: TestPoint;
  kind: QuestionRecord["kind"];
  draft: QuestionDraft;
  prompt: string;
  call: string;
}

export interface Scored {
  answers: Answers;
  assessment: Reply<Assessment>;
}

/** The Questioner's questions for a point: the first `questionsPerPoint`, minus empty and repeated ones. */
export function takeQuestions(
  ctx: DetectContext,
  round: number,
  point: TestPoint,
  kind: Pending["kind"],
  prompt: { id: string; version: number },
  reply: Reply<{ questions: QuestionDraft[] }>,
  pending: Pending[],
): void {
  const where = { round, point_id: point.id, point_path: point.path };
  const tag = promptTag(prompt);
  if (!reply.ok) {
    ctx.outputs.drops.drop({
      id: contentId(["invalid-questions", round, point.id, reply.call]),
      reason: "invalid-questions",
      detail: reply.error,
      ...where,
      raw: reply.raw,
      meta: { ...meta(ctx, "questions", round, [tag]), call: reply.call },
    });
    return;
  }
  for (const draft of reply.value.questions.slice(0, ctx.settings.questionsPerPoint)) {
    const question = draft.question.trim();
    const id = contentId(["autodetect-question", point.id, round, question]);
    const dropMeta = { ...meta(ctx, "questions", round, [tag]), call: reply.call };
    if (question === "") {
      ctx.outputs.drops.drop({ id, reason: "empty-question", ...where, meta: dropMeta });
      continue;
    }
    const earlier = ctx.seen.seen(question);
    if (earlier !== undefined) {
      const detail = `repeats question ${earlier}`;
      ctx.outputs.drops.drop({
        id,
        reason: "duplicate-question",
        detail,
        ...where,
        question,
        meta: dropMeta,
      });
      continue;
    }
    ctx.seen.add(id, question);
    pending.push({
      point,
      kind,
      draft: { question, focus: draft.focus.trim() },
      prompt: tag,
      call: reply.call,
    });
  }
}

/** The Examiner's sub-points under a weak point: the first `subPoints`, minus empty and known ones. */
export function takeSubPoints(
  ctx: DetectContext,
  round: number,
  parent: TestPoint,
  reply: Reply<{ sub_points: PointDraft[] }>,
): TestPoint[] {
  const tag = promptTag(SUB_POINTS);
  const dropMeta = { ...meta(ctx, "sub-points", round, [tag]), call: reply.call };
  const where = { round, parent_id: parent.id };
  if (!reply.ok) {
    const id = contentId(["invalid-sub-points", round, parent.id, reply.call]);
    ctx.outputs.drops.drop({
      id,
      reason: "invalid-sub-points",
      detail: reply.error,
      ...where,
      raw: reply.raw,
      meta: dropMeta,
    });
    return [];
  }
  const added: TestPoint[] = [];
  for (const draft of reply.value.sub_points.slice(0, ctx.settings.subPoints)) {
    const name = draft.name.trim();
    const path = [...parent.path, name];
    const id = contentId(["autodetect-point", ...path]);
    if (name === "") {
      ctx.outputs.drops.drop({ id, reason: "empty-point", ...where, meta: dropMeta });
      continue;
    }
    const point = ctx.plan.add({
      path,
      name,
      description: draft.description.trim(),
      parentId: parent.id,
      addedRound: round,
      origin: { prompt: tag, call: reply.call },
    });
    if (point) added.push(point);
    else
      ctx.outputs.drops.drop({ id, reason: "duplicate-point", ...where, point_path: path, meta: dropMeta });
  }
  return added;
}

export function decideScore(
  ctx: DetectContext,
  round: number,
  p: Pending,
  { answers, assessment }: Scored,
  stats: AutodetectRoundStats,
): void {
  const id = contentId(["autodetect-question", p.point.id, round, p.draft.question]);
  const prompts = [p.prompt, promptTag(ASSESS)];
  if (!assessment.ok) {
    ctx.outputs.drops.drop({
      id,
      reason: "invalid-assessment",
      detail: assessment.error,
      round,
      point_id: p.point.id,
      question: p.draft.question,
      answer: answers.answer,
      raw: assessment.raw,
      meta: { ...meta(ctx, "assess", round, prompts), calls: { ...answers.calls, assess: assessment.call } },
    });
    return;
  }
  const { score, reason } = assessment.value;
  const record: QuestionRecord = {
    id,
    round,
    point_id: p.point.id,
    point_path: p.point.path,
    kind: p.kind,
    question: p.draft.question,
    focus: p.draft.focus,
    answer: answers.answer,
    reference: answers.reference,
    score,
    reason: reason.trim(),
    meta: {
      ...meta(ctx, "assess", round, prompts),
      parent_id: p.point.id,
      calls: { question: p.call, ...answers.calls, assess: assessment.call },
    },
  };
  ctx.outputs.questions.write(record);
  ctx.plan.record(p.point.id, {
    id,
    round,
    question: record.question,
    answer: record.answer,
    reference: record.reference,
    score,
    reason: record.reason,
    referenceCall: answers.calls.reference,
    prompt: p.prompt,
  });
  stats.scored++;
  if (score < ctx.settings.weakThreshold) stats.failures++;
}

/** Round figures, then the SFT records of this round's weak points (their failures, in plan order). */
export function finishRound(ctx: DetectContext, round: number, stats: AutodetectRoundStats): void {
  const { plan, settings } = ctx;
  let sum = 0;
  for (const point of plan.all()) {
    const f = plan.inRound(point.id, round);
    if (!f) continue;
    stats.pointsTested++;
    sum += f.mean * f.n;
    if (f.mean >= settings.weakThreshold) continue;
    stats.weakPoints++;
    for (const q of plan.questions(point.id)) {
      if (q.round !== round || q.score >= settings.weakThreshold) continue;
      stats.sft++;
      ctx.outputs.sft.write({
        id: q.id,
        instruction: q.question,
        output: q.reference,
        meta: {
          ...meta(ctx, "sft", round, [q.prompt]),
          source_id: q.id,
          point_id: point.id,
          point_path: point.path,
          score: q.score,
          point_mean: round3(f.mean),
          calls: { reference: q.referenceCall },
        },
      });
    }
  }
  stats.meanScore = stats.scored > 0 ? round3(sum / stats.scored) : null;
}
