/**
 * Pointwise judging (UltraFeedback-style): each response alone, in one structured call, gets for every
 * aspect a rationale and then an integer score in 1..scale; the record's `score` is the mean over the
 * aspects. The reply schema is built from the aspect list, rationale before score in every aspect, so
 * that a model writing its JSON in order reasons before it commits to a number.
 */

import { z } from "zod";
import { JUDGE_POINTWISE, pointwisePrompt } from "../../prompts/judge-pointwise.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import { type ReplySchema, replySchema } from "../backtranslation/document-call.js";
import type { DroppedRecord } from "../shared/record-output.js";
import { scoreSchema } from "../shared/score-schema.js";
import type { Aspect } from "./judge-aspects.js";
import type { ResponseItem } from "./judge-input.js";
import { JudgeLoop } from "./judge-loop.js";
import { askJudge, type JudgedRecord, type JudgeRun } from "./judge-records.js";

export interface AspectRating {
  rationale: string;
  score: number;
}

export function pointwiseSchema(
  aspects: readonly Aspect[],
  scale: number,
): ReplySchema<Record<string, AspectRating>> {
  const rating = z.object({
    rationale: z.string().describe("why the score: what the response does well or badly on this aspect"),
    score: scoreSchema(1, scale),
  });
  const shape: Record<string, typeof rating> = {};
  for (const aspect of aspects) shape[aspect.name] = rating;
  return replySchema("judgement", z.object(shape)) as ReplySchema<Record<string, AspectRating>>;
}

type Outcome = { kept: JudgedRecord } | { dropped: DroppedRecord };

export async function runPointwise(run: JudgeRun): Promise<void> {
  const { engine, model, aspects, scale, outputs, stats } = run;
  const reply = pointwiseSchema(aspects, scale);
  const prompt = promptTag(JUDGE_POINTWISE);
  const loop = new JudgeLoop<Outcome>(
    engine,
    (outcome) => {
      if ("dropped" in outcome) outputs.drops.drop(outcome.dropped);
      else if (outputs.judged.write(outcome.kept)) stats.written++;
      else stats.alreadyWritten++;
    },
    run.lookahead,
  );

  const judgeOne = async (item: ResponseItem): Promise<Outcome[]> => {
    const { result, call: key } = await askJudge(
      run,
      pointwisePrompt(item, item.response, aspects, scale),
      reply,
    );
    const judgement = { mode: "pointwise" as const, model: model.modelName, prompt, call: key };
    if (!result.ok) {
      const dropped: DroppedRecord = {
        id: contentId(["judge", item.id, key]),
        reason: "invalid",
        detail: result.error,
        record_id: item.id,
        raw: result.text,
        file: item.file,
        line: item.line,
        meta: { method: "judge", ...judgement },
      };
      return [{ dropped }];
    }
    const ratings: Record<string, AspectRating> = {};
    let sum = 0;
    for (const aspect of aspects) {
      const { rationale, score } = result.value[aspect.name] as AspectRating;
      ratings[aspect.name] = { score, rationale };
      sum += score;
    }
    const record: JudgedRecord = {
      ...item.value,
      id: item.id,
      judgement: { ...judgement, scale, aspects: ratings, repaired: result.repaired },
      score: Math.round((sum / aspects.length) * 10_000) / 10_000,
    };
    return [{ kept: record }];
  };

  try {
    for await (const read of run.items()) {
      if (!loop.open) break;
      if ("duplicate" in read) {
        await loop.add({ dropped: read.duplicate });
        continue;
      }
      const item = read.item;
      if (outputs.judged.has(item.id)) {
        stats.alreadyWritten++;
        continue;
      }
      await loop.start(() => judgeOne(item), { id: item.id, file: item.file, line: item.line });
    }
  } finally {
    // Bad input stops reading; what is in flight is still written before the error is reported.
    const stop = await loop.finish();
    stats.failed = loop.failed;
    stats.failures = loop.failures;
    stats.stoppedBy = stop;
  }
}
