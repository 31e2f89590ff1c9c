/**
 * Prompts of AutoDetect (Cheng et al., 2024), in our own words. Three roles, all played by the teacher:
 *  - the Examiner lays out what to test (a taxonomy of categories and test points) and, once weaknesses
 *    show, proposes narrower sub-points under a weak point;
 *  - the Questioner writes hard questions for a point and, for a weak point, harder follow-ups after
 *    seeing the earlier questions, the student's answers and their scores;
 *  - the Assessor scores a student's answer from 1 to 10 against the teacher's reference answer.
 * Every reply is structured (JSON schema); the schemas live with the calls (methods/feedback/autodetect-roles.ts).
 * Reference answers and the student's answers are the question alone, with no wrapper.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const TAXONOMY: PromptRef = { id: "autodetect/taxonomy", version: 1 };
export const QUESTIONS: PromptRef = { id: "autodetect/questions", version: 1 };
export const FOLLOW_UP: PromptRef = { id: "autodetect/follow-up", version: 1 };
export const SUB_POINTS: PromptRef = { id: "autodetect/sub-points", version: 1 };
export const ASSESS: PromptRef = { id: "autodetect/assess", version: 1 };

/** Student answers are cut to this many characters where a prompt shows them: their start shows the miss. */
export const ANSWER_EXCERPT = 800;

function excerpt(text: string): string {
  return text.length > ANSWER_EXCERPT ? `${text.slice(0, ANSWER_EXCERPT)} [...]` : text;
}

function quoted(text: string): string {
  return ["<<<", text, ">>>"].join("\n");
}

/** A test point as the prompts show it. */
export interface PointView {
  /** Category first, then the point and any sub-points down to this one. */
  path: readonly string[];
  description: string;
}

function pointLines(point: PointView): string[] {
  return [
    `Test point: ${point.path.map(oneLine).join(" > ")}`,
    `What it covers: ${oneLine(point.description)}`,
  ];
}

/** An earlier question of a point, as the follow-up and sub-point prompts show it. */
export interface TriedQuestion {
  question: string;
  answer: string;
  score: number;
  reason: string;
}

function triedLines(tried: readonly TriedQuestion[]): string[] {
  return tried.flatMap((t, i) => [
    `Question ${i + 1}:`,
    quoted(t.question),
    "The model's answer:",
    quoted(excerpt(t.answer)),
    `Score: ${t.score}/10. Assessor's reason: ${oneLine(t.reason)}`,
    "",
  ]);
}

export function taxonomyPrompt(task: string, categories: number, pointsPerCategory: number): string {
  return [
    "We want to find out where a language model is weak at the following task, the way an examiner plans an exam that covers a subject thoroughly.",
    "",
    "Task:",
    quoted(task),
    "",
    `Lay out what to test as ${categories} broad categories of the task, each split into ${pointsPerCategory} test points.`,
    "A test point is one specific skill or kind of problem inside its category, narrow enough that a handful of questions can probe it.",
    "Categories should not overlap, points inside a category should differ clearly, and together they should cover the task.",
    "Everything must be testable with text-only questions that have answers a careful expert could check.",
    "Give each point a short name and a one-sentence description of what it covers.",
  ].join("\n");
}

export function questionsPrompt(task: string, point: PointView, count: number): string {
  return [
    "You write exam questions that expose the weaknesses of a language model.",
    "",
    "The task under test:",
    quoted(task),
    "",
    ...pointLines(point),
    "",
    `Write ${count} questions that test this point and that a capable model could still get wrong.`,
    "Each question must:",
    "- be self-contained: include every text, number or piece of data needed to answer it;",
    "- have an answer that can be checked (a correct result, or requirements that are plainly met or not);",
    "- be text-only and answerable in a few paragraphs at most;",
    "- test the point itself, not trivia around it.",
    "Make the questions differ from each other in form and in what exactly they demand.",
    'For each, add a "focus": a few words on what the question checks.',
  ].join("\n");
}

export function followUpPrompt(
  task: string,
  point: PointView,
  tried: readonly TriedQuestion[],
  count: number,
): string {
  return [
    "You write exam questions that expose the weaknesses of a language model. The model did poorly on the test point below; dig deeper into it.",
    "",
    "The task under test:",
    quoted(task),
    "",
    ...pointLines(point),
    "",
    "Questions already asked on this point, with the model's answers and their scores (1 is worst, 10 is best):",
    "",
    ...triedLines(tried),
    `Write ${count} new questions on this point that are harder than the ones above.`,
    "Look at where the answers went wrong and aim at the same weakness from new angles: add a condition, combine it with another step, make the case less familiar, or remove a shortcut the model could lean on.",
    "Do not repeat or merely reword the earlier questions. Each question must be self-contained, text-only, and have an answer that can be checked.",
    'For each, add a "focus": a few words on what the question checks.',
  ].join("\n");
}

export function subPointsPrompt(
  task: string,
  point: PointView,
  meanScore: number,
  failures: readonly TriedQuestion[],
  existing: readonly string[],
  count: number,
): string {
  const lines = [
    "You plan an exam that finds where a language model is weak. The model scored low on one test point, and we want to narrow down why.",
    "",
    "The task under test:",
    quoted(task),
    "",
    ...pointLines(point),
    `Mean score on it so far: ${meanScore.toFixed(1)} out of 10.`,
    "",
    "Some of the questions it got wrong:",
    "",
    ...triedLines(failures),
    `Propose ${count} narrower sub-points of this test point that could explain these failures and deserve their own questions.`,
    "Each sub-point should be a specific skill or kind of case inside the test point, different from the others, and testable with text-only questions.",
  ];
  if (existing.length > 0) {
    lines.push(`Do not propose these, which are already in the plan: ${existing.map(oneLine).join("; ")}.`);
  }
  lines.push("Give each sub-point a short name and a one-sentence description of what it covers.");
  return lines.join("\n");
}

export const RUBRIC = [
  "9-10: correct and complete; meets every requirement of the question.",
  "7-8: correct in substance with small flaws (a minor omission, a loose wording).",
  "5-6: partly correct: a real error or a missed requirement, but much is right.",
  "3-4: mostly wrong, or misses the main requirement.",
  "1-2: wrong, off the question, a refusal, or empty.",
];

export function assessPrompt(question: string, reference: string, answer: string): string {
  return [
    "You grade a language model's answer to an exam question. A reference answer written by a strong model is given to help you; there may be other valid ways to answer, and the reference itself may have slips.",
    "",
    "Question:",
    quoted(question),
    "",
    "Reference answer:",
    quoted(reference),
    "",
    "The answer to grade:",
    quoted(answer === "" ? "(empty)" : answer),
    "",
    "Judge correctness first, then whether every explicit requirement of the question is met; style and length matter only when the question asks for them.",
    "Score on this scale:",
    ...RUBRIC.map((line) => `- ${line}`),
    "Be sparing with 10. First give a short reason naming the mistakes you found (or that there are none), then the score.",
  ].join("\n");
}
