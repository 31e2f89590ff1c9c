/** What UDIT's task builders return: drafts of examples (not yet worded by a template) or a reason. */
import type { Rng } from "../../engine/rng.js";
import type { TemplateGroup, TemplateGroups } from "../../prompts/udit.js";
import type { DocumentFrequencies } from "../../text/keywords.js";
import type { PassageView } from "./udit-passage.js";
import type { DistractorPools } from "./udit-pool.js";

export interface Draft<G extends TemplateGroup = TemplateGroup> {
  group: G;
  args: TemplateGroups[G];
  /** Task-specific lineage: offsets in the passage text, the answer, the variant. */
  meta: Record<string, unknown>;
}

export type Built = { drafts: Draft[] } | { drop: { reason: string; detail: string } };

export interface TaskContext {
  view: PassageView;
  /** Document frequencies of the passage's language. */
  df: DocumentFrequencies;
  pools: DistractorPools;
  /** The random stream of this task on this passage. */
  rng: Rng;
  /** Most examples of one task from one passage. */
  perPassage: number;
}

/** Up to this many distractors, so up to four options. */
export const MAX_DISTRACTORS = 3;
