/**
 * Which scored records to keep. Cherry LLM keeps the top share of a dataset by IFD after removing pairs
 * whose IFD is >= 1 (the instruction makes the answer no easier to predict, so the pair teaches no
 * instruction following); thresholds on IFD and r-IFD are the other common choice. Selection needs no
 * model call, so it is recomputed on every run: changing it re-selects without re-scoring.
 */

export interface IfdSelection {
  /** Keep the highest-IFD share (0 < share <= 1) of all scored records. */
  topShare?: number;
  /** Keep the highest-IFD N records. */
  topCount?: number;
  /** Keep only records with IFD >= this. */
  minIfd?: number;
  /** Drop records with IFD >= this (default 1). */
  maxIfd?: number;
  /** Drop records with r-IFD > this (the answer implies its instruction poorly). */
  maxRIfd?: number;
}

export interface ScoredEntry {
  ifd: number;
  r_ifd: number;
}

export type Verdict =
  | { keep: true; rank: number }
  | {
      keep: false;
      reason: "ifd-at-least-max" | "ifd-below-min" | "r-ifd-above-max" | "outside-top";
      detail: string;
    };

/** One verdict per entry, in the entries' order. Ranks count from 1 by IFD, highest first. */
export function selectByIfd(entries: readonly ScoredEntry[], selection: IfdSelection): Verdict[] {
  const maxIfd = selection.maxIfd ?? 1;
  const verdicts: Verdict[] = entries.map((entry) => thresholdVerdict(entry, selection, maxIfd));
  // Rank the survivors by IFD, highest first; equal scores keep input order (a stable sort).
  const eligible = entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ index }) => verdicts[index]?.keep)
    .sort((a, b) => b.entry.ifd - a.entry.ifd);
  const limit = topLimit(entries.length, selection);
  eligible.forEach(({ entry, index }, position) => {
    const rank = position + 1;
    verdicts[index] =
      rank <= limit
        ? { keep: true, rank }
        : {
            keep: false,
            reason: "outside-top",
            detail: `IFD ${entry.ifd.toFixed(4)} ranks ${rank}, the top is ${limit}`,
          };
  });
  return verdicts;
}

function thresholdVerdict(entry: ScoredEntry, selection: IfdSelection, maxIfd: number): Verdict {
  if (entry.ifd >= maxIfd) {
    return { keep: false, reason: "ifd-at-least-max", detail: `IFD ${entry.ifd.toFixed(4)} >= ${maxIfd}` };
  }
  if (selection.minIfd !== undefined && entry.ifd < selection.minIfd) {
    return {
      keep: false,
      reason: "ifd-below-min",
      detail: `IFD ${entry.ifd.toFixed(4)} < ${selection.minIfd}`,
    };
  }
  if (selection.maxRIfd !== undefined && entry.r_ifd > selection.maxRIfd) {
    return {
      keep: false,
      reason: "r-ifd-above-max",
      detail: `r-IFD ${entry.r_ifd.toFixed(4)} > ${selection.maxRIfd}`,
    };
  }
  return { keep: true, rank: 0 };
}

/** How many the top keeps: the share is of ALL scored records, as Cherry LLM's "top 5% of the data". */
function topLimit(total: number, selection: IfdSelection): number {
  let limit = Number.POSITIVE_INFINITY;
  if (selection.topShare !== undefined) limit = Math.ceil(selection.topShare * total);
  if (selection.topCount !== undefined) limit = Math.min(limit, selection.topCount);
  return limit;
}
