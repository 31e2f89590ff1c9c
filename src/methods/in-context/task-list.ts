/**
 * Reading a model's continuation of a numbered task list. Base models continue "9." directly; chat
 * models often add a preface ("Sure, here are more tasks:"), bold numbers or blank lines between items.
 * We take every line that starts with a number (optionally "Task 9:", "9)", "9、") as a new item, lines
 * right after it as its continuation, and ignore anything else.
 */
import type { FinishReason } from "../../llm/language-model.js";

export interface ListedTask {
  /** The number the model gave the item. */
  number: number;
  text: string;
  /** The reply hit the token limit inside this item (the last one), so it may be cut short. */
  truncated: boolean;
}

const ITEM = /^\s*(?:[*_#>-]+\s*)?(?:task\s*)?(\d{1,3})\s*(?:[*_]+\s*)?[.)．:：、]\s*(?:[*_]+\s*)?(.*)$/iu;

export function parseTaskList(reply: string, finishReason: FinishReason): ListedTask[] {
  const items: ListedTask[] = [];
  let current: { number: number; lines: string[] } | undefined;
  const flush = () => {
    if (current) {
      const text = current.lines.join(" ").replace(/\s+/gu, " ").trim();
      items.push({ number: current.number, text: stripEmphasis(text), truncated: false });
    }
    current = undefined;
  };
  for (const line of reply.split(/\r?\n/u)) {
    const match = ITEM.exec(line);
    if (match) {
      flush();
      current = { number: Number(match[1]), lines: [match[2] ?? ""] };
    } else if (line.trim() === "") {
      flush();
    } else if (current) {
      current.lines.push(line.trim());
    }
  }
  flush();
  const last = items.at(-1);
  if (last && finishReason === "length") last.truncated = true;
  return items.filter((item) => item.text !== "" || item.truncated);
}

/** Markdown emphasis a chat model may wrap a whole item in ("**Write a poem**"). */
function stripEmphasis(text: string): string {
  const match = /^(\*\*|__)(.*)\1$/u.exec(text);
  return match ? (match[2] ?? "").trim() : text;
}
