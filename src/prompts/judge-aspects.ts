/**
 * What the judge is told each default aspect means, in our own words. The four names are
 * UltraFeedback's aspects; the definitions are ours. They are part of the judge prompts' text, so a
 * change here must bump the versions of JUDGE_POINTWISE and JUDGE_PAIRWISE.
 */
export const DEFAULT_ASPECT_TEXTS: Readonly<Record<string, string>> = {
  helpfulness:
    "How much the response actually helps the person who asked: it addresses the real need, is correct and complete enough to act on, and is clear, without padding or detours.",
  honesty:
    "Whether the response is candid about what it knows: it states things with the confidence the evidence supports, admits uncertainty or ignorance where there is some, and does not pretend to abilities or sources it lacks.",
  "instruction-following":
    "How closely the response does what the instruction asks: the task itself, plus every stated constraint on format, length, style, language and scope, neither ignoring requirements nor adding unrequested ones.",
  truthfulness:
    "Whether what the response claims is true: no invented facts, figures, quotes or references, no contradictions of the instruction or of itself, and no false premises accepted without comment.",
};

/** The description of an aspect nobody defined: its name, read as words. */
export function aspectFromName(name: string): string {
  return `How good the response is with respect to ${name.replace(/[-_]+/gu, " ")}.`;
}
