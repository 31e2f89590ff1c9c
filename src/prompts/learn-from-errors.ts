/**
 * Prompts of learning from errors (LLMs-as-Instructors, Ying et al., 2024), in our own words. The teacher
 * (1) analyses one wrong answer, or (with contrast) a wrong answer beside the most similar question the
 * student got right, (2) sorts the analyses into named weaknesses, and (3) writes new training examples
 * aimed at one weakness. Every reply is JSON under a schema (see learn-from-errors-schemas.ts).
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const ANALYSE: PromptRef = { id: "learn-from-errors/analyse", version: 1 };
export const CONTRAST: PromptRef = { id: "learn-from-errors/contrast", version: 1 };
export const GROUP: PromptRef = { id: "learn-from-errors/group", version: 1 };
export const WRITE: PromptRef = { id: "learn-from-errors/write", version: 1 };

/** A question the student answered, with the reference answer. */
export interface AnsweredQuestion {
  question: string;
  reference: string;
  answer: string;
}

function block(title: string, text: string): string[] {
  return [`${title}:`, text.trim() === "" ? "(empty)" : text.trim(), ""];
}

export function analyseMessage(failure: AnsweredQuestion): string {
  return [
    "You are the instructor of a student model. It answered the question below and got it wrong.",
    "",
    ...block("Question", failure.question),
    ...block("Reference answer", failure.reference),
    ...block("Student's answer", failure.answer),
    "Work out why the student failed. Reply with a JSON object:",
    '- "missing": the skill or piece of knowledge the student lacked, stated generally enough that other',
    "  questions could test it too;",
    '- "category": a short label (two to five words) for that kind of error;',
    '- "explanation": one or two sentences on where the answer goes wrong and how the missing skill',
    "  would have fixed it.",
  ].join("\n");
}

export function contrastMessage(failure: AnsweredQuestion, solved: AnsweredQuestion): string {
  return [
    "You are the instructor of a student model. Below are two similar questions. The student answered",
    "the first one correctly and the second one wrongly.",
    "",
    ...block("Question answered correctly", solved.question),
    ...block("Its reference answer", solved.reference),
    ...block("The student's (correct) answer", solved.answer),
    ...block("Question answered wrongly", failure.question),
    ...block("Its reference answer", failure.reference),
    ...block("The student's (wrong) answer", failure.answer),
    "Compare the two cases and find what sets the second apart, the thing the student could not handle",
    "although it handled the first. Reply with a JSON object:",
    '- "difference": what the wrongly answered question demands that the correctly answered one does not;',
    '- "missing": the skill or piece of knowledge the student lacked, stated generally enough that other',
    "  questions could test it too;",
    '- "category": a short label (two to five words) for that kind of error.',
  ].join("\n");
}

/** One analysed failure as the grouping prompt lists it. */
export interface AnalysisLine {
  /** Short label the reply refers to (F1, F2, ...). */
  label: string;
  category: string;
  missing: string;
  /** The explanation, or the contrast's difference. */
  detail: string;
}

/** A weakness named by an earlier grouping call, offered for reuse. */
export interface NamedWeakness {
  name: string;
  description: string;
}

export function groupMessage(lines: readonly AnalysisLine[], known: readonly NamedWeakness[]): string {
  const out = [
    "You are the instructor of a student model. Each line below is your analysis of one question the",
    "student got wrong: a label, the error category in brackets, what was missing, and a detail.",
    "",
    ...lines.map(
      (l) => `${l.label} [${oneLine(l.category)}] missing: ${oneLine(l.missing)} | ${oneLine(l.detail)}`,
    ),
    "",
  ];
  if (known.length > 0) {
    out.push(
      "Weaknesses already found in other failures (reuse a name exactly when a failure fits it):",
      ...known.map((w) => `- ${oneLine(w.name)}: ${oneLine(w.description)}`),
      "",
    );
  }
  out.push(
    "Sort these failures into the student's weaknesses: a weakness is one skill or area of knowledge",
    "that several failures have in common. Merge failures that share a cause even when their categories",
    "are worded differently; keep apart those that need different teaching. Put every label into exactly",
    'one weakness. Reply with a JSON object whose "weaknesses" is a list of objects with',
    '"name" (a short name), "description" (one sentence on what the student cannot do) and',
    '"failure_ids" (the labels of the failures it covers).',
  );
  return out.join("\n");
}

/** A failure shown to the writer as an illustration of the weakness. */
export interface ShownFailure extends AnsweredQuestion {
  missing: string;
}

export function writeMessage(
  weakness: NamedWeakness,
  failures: readonly ShownFailure[],
  count: number,
): string {
  const shown = failures.flatMap((f, i) => [
    `Failure ${i + 1}`,
    ...block("Question", f.question),
    ...block("Reference answer", f.reference),
    ...block("Student's answer", f.answer),
    ...(f.missing ? block("What was missing", f.missing) : []),
  ]);
  const what = count === 1 ? "one new training example" : `${count} new training examples`;
  return [
    "You are the instructor of a student model. Its answers show this weakness:",
    "",
    `${oneLine(weakness.name)}: ${oneLine(weakness.description)}`,
    "",
    "Questions it failed because of it:",
    "",
    ...shown,
    `Write ${what} that teach exactly this skill. Each is a question in the style and format of the`,
    "ones above, about a different case (never a copy or a light rewording of them), with a correct,",
    "complete reference answer written the way the student should answer. Vary the cases and their",
    'difficulty. Reply with a JSON object whose "examples" is a list of objects with "question" and',
    '"answer".',
  ].join("\n");
}
