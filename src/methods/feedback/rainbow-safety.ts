/**
 * Rainbow Teaming's safety data: the teacher writes a safe reply to every prompt of the final archive;
 * each becomes an SFT example (the prompt, the safe reply) and a preference pair (chosen: the safe
 * reply, rejected: the target's reply that earned the prompt its cell). Both files are snapshots of the
 * archive, written whole once every reply is in; a stopped step writes nothing and a re-run asks again
 * (from the cache).
 */
import { promptTag } from "../../prompts/prompt.js";
import { SAFE_RESPONSE } from "../../prompts/rainbow-safe.js";
import { contentId } from "../../util/canonical.js";
import { OrderedRound } from "../shared/ordered-round.js";
import type { StopReason } from "../shared/stop-reason.js";
import type { MapElitesArchive } from "./rainbow-archive.js";
import { type CallContext, safeResponse } from "./rainbow-calls.js";
import type { EliteRecord, PreferenceRecord, RainbowOutputs, SftRecord } from "./rainbow-records.js";

/** The teacher's safe reply to each prompt of the archive; the number written, or why it stopped. */
export async function writeSafetyData(
  calls: CallContext,
  archive: MapElitesArchive<EliteRecord>,
  outputs: RainbowOutputs,
  lookahead: number,
): Promise<number | StopReason> {
  const sft: SftRecord[] = [];
  const preferences: PreferenceRecord[] = [];
  const prompt = promptTag(SAFE_RESPONSE);
  const round = new OrderedRound<{ elite: EliteRecord; text: string; call: string }>(
    ({ elite, text, call }) => {
      const meta = {
        method: "rainbow" as const,
        step: "safe-response" as const,
        elite_id: elite.id,
        cell: elite.cell,
        model: calls.models.teacher.modelName,
        prompt,
        call,
      };
      const id = contentId({ elite: elite.id, call });
      sft.push({ id: `rb-sft-${id}`, instruction: elite.prompt, output: text, meta });
      preferences.push({
        id: `rb-pref-${id}`,
        prompt: elite.prompt,
        chosen: text,
        rejected: elite.response,
        meta: { ...meta, score: elite.score, target_model: calls.models.target.modelName },
      });
    },
    lookahead,
    archive.filled + 1,
  );
  for (const { occupant } of archive.entries()) {
    const started = await round.start(async () => ({
      elite: occupant,
      ...(await safeResponse(calls, occupant.prompt)),
    }));
    if (!started) break;
  }
  const stop = await round.finish();
  if (stop) return stop;
  outputs.writeSafetyData(sft, preferences);
  return sft.length;
}
