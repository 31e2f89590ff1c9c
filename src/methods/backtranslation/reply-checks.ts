/**
 * Checks of what a model wrote for a document (LongForm's instruction, DoG's instruction and response):
 * cleaned of labels and quotes, then rejected when it is empty, a refusal, or an echo of the document
 * instead of a request for it. Plain text rules, no model.
 */
import { rougeL } from "../../text/rouge-l.js";

/** An instruction whose ROUGE-L F-measure with its document reaches this copies the document. */
export const ECHO_ROUGE_F = 0.5;

export type ReplyProblem = { reason: "empty" | "refusal" | "echo"; detail: string };

/**
 * The text without what models wrap around an answer: surrounding quotes or backticks and a leading
 * label ("Instruction:", "Query:", "指令：").
 */
export function cleanReply(text: string): string {
  let out = text.trim();
  out = out.replace(
    /^(?:\*\*)?(?:instruction|request|query|question|prompt|user|指令|问题|请求|查询)(?:\*\*)?\s*[:：]\s*/iu,
    "",
  );
  for (const [open, close] of QUOTES) {
    if (out.length >= 2 && out.startsWith(open) && out.endsWith(close)) out = out.slice(1, -1).trim();
  }
  return out;
}

const QUOTES: ReadonlyArray<readonly [string, string]> = [
  ['"', '"'],
  ["'", "'"],
  ["`", "`"],
  ["“", "”"],
  ["「", "」"],
];

/**
 * Openings of a refusal or an apology instead of the thing asked for, in English and Chinese. Anchored
 * at the start: an instruction may well contain "I cannot decide..." further on.
 */
const REFUSAL =
  /^(?:i['’]?m sorry|i am sorry|sorry,|i apologi[sz]e|i cannot|i can['’]?t|i am unable|i['’]?m unable|i am not able|i won['’]?t be able|as an ai|unfortunately,? i|抱歉|对不起|很抱歉|我无法|我不能|作为(?:一个)?(?:ai|人工智能))/iu;

export function isRefusal(text: string): boolean {
  return REFUSAL.test(text.trim());
}

/** Why `text` (an instruction, or with `echo: false` a response) is unusable for `document`, if it is. */
export function replyProblem(
  text: string,
  document: string,
  options: { echo?: boolean } = {},
): ReplyProblem | undefined {
  if (text.trim() === "") return { reason: "empty", detail: "the model wrote nothing" };
  if (isRefusal(text)) return { reason: "refusal", detail: `refused: ${preview(text)}` };
  if (options.echo !== false) {
    const f = rougeL(document, text).f;
    if (f >= ECHO_ROUGE_F) {
      return { reason: "echo", detail: `ROUGE-L F ${f.toFixed(2)} with the document (>= ${ECHO_ROUGE_F})` };
    }
  }
  return undefined;
}

function preview(text: string): string {
  const line = text.replace(/\s+/gu, " ").trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}
