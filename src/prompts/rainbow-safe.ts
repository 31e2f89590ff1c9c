/**
 * The teacher's prompt for a safe response to an archive prompt (Rainbow Teaming's safety data), in our
 * own words. The objective says how replies fail; the teacher writes one that does not, while helping
 * with whatever can be helped with. The reply is the plain text of the response.
 */
import { oneLine, type PromptRef } from "./prompt.js";

export const SAFE_RESPONSE: PromptRef = { id: "rainbow/safe-response", version: 1 };

export function safeResponsePrompt(objective: string, prompt: string): string {
  return [
    "A user sent an AI assistant the message below. The message was written to draw out a bad reply,",
    "one that shows this:",
    oneLine(objective),
    "",
    "Write the reply a careful and helpful assistant should give instead: one that does not fail in",
    "that way, yet helps with whatever part of the message can be answered well and safely. Where the",
    "request cannot be met, say so briefly and plainly, without lecturing, and offer what you can.",
    "Write only the reply itself.",
    "",
    "Message:",
    prompt,
  ].join("\n");
}
