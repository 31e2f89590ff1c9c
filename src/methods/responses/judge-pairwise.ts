/**
 * Pairwise judging: responses to the same instruction (same `lineage.source_id`, else the same prompt)
 * are compared two at a time, every pair in both presentation orders. Judges favour a position; a pair
 * counts as a win only when both orders name the same response, anything else is a tie, so the bias
 * cancels instead of deciding. Each record then gets its wins, losses and ties and, as `score`, its win
 * rate with ties counting half.
 */
import { z } from "zod";
import { JUDGE_PAIRWISE, pairwisePrompt } from "../../prompts/judge-pairwise.js";
import { promptTag } from "../../prompts/prompt.js";
import { contentId } from "../../util/canonical.js";
import { replySchema } from "../backtranslation/document-call.js";
import { ParkedRecords } from "../shared/parked-records.js";
import type { DroppedRecord } from "../shared/record-output.js";
import type { ResponseItem } from "./judge-input.js";
import { JudgeLoop } from "./judge-loop.js";
import {
  askJudge,
  type JudgedRecord,
  type JudgeRun,
  type PairRecord,
  type PairVerdict,
} from "./judge-records.js";

const PAIR_REPLY = replySchema(
  "comparison",
  z.object({
    rationale: z.string().describe("how the two responses compare on the aspects"),
    better: z.enum(["A", "B", "tie"]),
  }),
);

type Outcome = { kept: JudgedRecord } | { pair: PairRecord } | { dropped: DroppedRecord };

export async function runPairwise(run: JudgeRun): Promise<void> {
  const { outputs } = run;

  // Responses to one instruction may be anywhere in the file (one respond run per model, concatenated):
  // the whole input is grouped first, groups in the order of their first response. Memory holds only
  // positions; the responses wait on disk until their group is judged.
  const parked = new ParkedRecords<ResponseItem>(`${outputs.judged.path}.parked.sqlite`);
  try {
    const byGroup = await groupResponses(run, parked);
    await judgeGroups(run, byGroup, (ordinals) => ordinals.map((o) => parked.get(o)));
  } finally {
    parked.close();
  }
}

/** Reads the input once: each response parked by position, each group as the positions of its members. */
async function groupResponses(
  run: JudgeRun,
  parked: ParkedRecords<ResponseItem>,
): Promise<Map<string, number[]>> {
  const byGroup = new Map<string, number[]>();
  let ordinal = 0;
  for await (const read of run.items()) {
    if ("duplicate" in read) {
      run.outputs.drops.drop(read.duplicate);
      continue;
    }
    parked.put(ordinal, read.item);
    const members = byGroup.get(read.item.group);
    if (members) members.push(ordinal);
    else byGroup.set(read.item.group, [ordinal]);
    ordinal++;
  }
  parked.flush();
  return byGroup;
}

async function judgeGroups(
  run: JudgeRun,
  byGroup: Map<string, number[]>,
  fetch: (ordinals: number[]) => ResponseItem[],
): Promise<void> {
  const { engine, model, aspects, outputs, stats } = run;
  const prompt = promptTag(JUDGE_PAIRWISE);
  const judgement = { mode: "pairwise" as const, model: model.modelName, prompt };
  const meta = { method: "judge", ...judgement };
  const groups = { total: 0, single: 0 };
  const pairs = { compared: 0, decided: 0, ties: 0, written: 0, alreadyWritten: 0 };
  stats.groups = groups;
  stats.pairs = pairs;

  const loop = new JudgeLoop<Outcome>(
    engine,
    (outcome) => {
      if ("dropped" in outcome) outputs.drops.drop(outcome.dropped);
      else if ("pair" in outcome) {
        if (outputs.pairs?.write(outcome.pair)) pairs.written++;
        else pairs.alreadyWritten++;
      } else if (outputs.judged.write(outcome.kept)) stats.written++;
      else stats.alreadyWritten++;
    },
    run.lookahead,
  );

  /** One order of one pair: `shownA` is shown as Response A; `exchange` gives the instruction. */
  const ask = async (exchange: ResponseItem, shownA: string, shownB: string, order: PairVerdict["order"]) => {
    const asked = await askJudge(run, pairwisePrompt(exchange, shownA, shownB, aspects), PAIR_REPLY);
    return { ...asked, order };
  };

  const compare = async (
    a: ResponseItem,
    b: ResponseItem,
  ): Promise<{ pair: PairRecord } | { dropped: DroppedRecord }> => {
    // The judge sees a's instruction in both orders (a group shares its instruction).
    const [ab, ba] = await Promise.all([
      ask(a, a.response, b.response, "a-b"),
      ask(a, b.response, a.response, "b-a"),
    ]);
    const verdicts: PairVerdict[] = [];
    for (const { result, call, order } of [ab, ba]) {
      if (!result.ok) {
        const dropped: DroppedRecord = {
          id: contentId(["judge-pair", a.id, b.id, call]),
          reason: "invalid",
          detail: `${order}: ${result.error}`,
          a: a.id,
          b: b.id,
          order,
          raw: result.text,
          meta: { ...meta, call },
        };
        return { dropped };
      }
      const letter = result.value.better;
      // In the swapped order, Response A is b.
      const better = letter === "tie" ? "tie" : (letter === "A") === (order === "a-b") ? "a" : "b";
      verdicts.push({ order, better, rationale: result.value.rationale, call });
    }
    const [first, second] = verdicts as [PairVerdict, PairVerdict];
    const outcome = first.better === second.better ? first.better : "tie";
    const winner = outcome === "a" ? a.id : outcome === "b" ? b.id : "tie";
    const pair: PairRecord = {
      id: contentId(["pair", a.id, b.id, first.call, second.call]),
      a: a.id,
      b: b.id,
      verdicts: [first, second],
      outcome,
      winner,
      lineage: a.sourceId === undefined ? {} : { source_id: a.sourceId },
      meta,
    };
    return { pair };
  };

  const judgeGroup = async (members: ResponseItem[]): Promise<Outcome[]> => {
    const tally = members.map(() => ({ wins: 0, losses: 0, ties: 0 }));
    const jobs: Array<Promise<{ pair: PairRecord } | { dropped: DroppedRecord }>> = [];
    const at: Array<[number, number]> = [];
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        jobs.push(compare(members[i]!, members[j]!));
        at.push([i, j]);
      }
    }
    // Every call of the group settles before a failure is reported: none is left running unseen.
    const settled = await Promise.allSettled(jobs);
    const failure = settled.find((s) => s.status === "rejected");
    if (failure) throw failure.reason;
    const outcomes: Outcome[] = [];
    for (const [k, s] of settled.entries()) {
      if (s.status === "rejected") continue;
      const done = s.value;
      outcomes.push(done);
      if (!("pair" in done)) continue;
      const [i, j] = at[k]!;
      pairs.compared++;
      if (done.pair.outcome === "tie") {
        pairs.ties++;
        tally[i]!.ties++;
        tally[j]!.ties++;
        continue;
      }
      pairs.decided++;
      const [w, l] = done.pair.outcome === "a" ? [i, j] : [j, i];
      tally[w]!.wins++;
      tally[l]!.losses++;
    }
    for (const [i, item] of members.entries()) outcomes.push({ kept: judgedRecord(item, tally[i]!) });
    return outcomes;
  };

  const judgedRecord = (
    item: ResponseItem,
    t: { wins: number; losses: number; ties: number },
  ): JudgedRecord => {
    const comparisons = t.wins + t.losses + t.ties;
    const score =
      comparisons === 0 ? null : Math.round(((t.wins + t.ties / 2) / comparisons) * 10_000) / 10_000;
    return {
      ...item.value,
      id: item.id,
      judgement: { ...judgement, comparisons },
      wins: t.wins,
      losses: t.losses,
      ties: t.ties,
      score,
    };
  };

  try {
    for (const ordinals of byGroup.values()) {
      if (!loop.open) break;
      const members = fetch(ordinals);
      groups.total++;
      if (members.length === 1) groups.single++;
      if (members.every((m) => outputs.judged.has(m.id))) {
        stats.alreadyWritten += members.length;
        continue;
      }
      const first = members[0]!;
      await loop.start(() => judgeGroup(members), { id: first.group, file: first.file, line: first.line });
    }
  } finally {
    stats.stoppedBy = await loop.finish();
    stats.failed = loop.failed;
    stats.failures = loop.failures;
  }
}
