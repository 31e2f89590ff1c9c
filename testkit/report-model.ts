/**
 * One scripted server that plays every role of a small multi-step run for the report tests:
 * self-instruct (in-context model), evol (evol model), respond, judge (pointwise, a score from a hash
 * of the response) and rainbow (rainbow model). The roles are told apart by their prompts, as each
 * method's own test script does; anything else is answered "Answer to: <input>".
 */
import { evolModel } from "./evol-model.js";
import { hashOf, inContextModel } from "./in-context-model.js";
import { rainbowReply } from "./rainbow-model.js";
import type { ReplyContext, ScriptedReply } from "./scripted-server.js";

const JUDGED = /Response to review:\n([\s\S]*?)\n\nFor each aspect/;

/** What a hostile model could write: the report must show it as text and run none of it. */
export const HOSTILE = '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1">';

/** Whether the answer to `input` carries HOSTILE (about one answer in four, fixed by the text). */
export const isHostile = (input: string): boolean => hashOf(input) % 4 === 0;

/** The judge's aspect score of a response: 1..10 from its hash, so scores vary but repeat. */
export function scriptedScore(response: string): number {
  return 1 + (hashOf(response) % 10);
}

export function reportModel() {
  const inContext = inContextModel();
  const evol = evolModel();
  const reply = (ctx: ReplyContext): ScriptedReply => {
    const prompt = ctx.messages.find((m) => m.role === "user")?.content ?? ctx.input;
    const judged = JUDGED.exec(prompt);
    if (judged && ctx.schema) {
      const score = scriptedScore(judged[1] as string);
      const names = Object.keys((ctx.schema.properties as Record<string, unknown> | undefined) ?? {});
      return JSON.stringify(
        Object.fromEntries(names.map((n) => [n, { rationale: `${n}: ${score}`, score }])),
      );
    }
    const props = (ctx.schema?.properties ?? {}) as Record<string, unknown>;
    if (/so that its (.+) is:\n/.test(ctx.input) || "winner" in props || "score" in props)
      return rainbowReply(ctx);
    if (ctx.input.startsWith("A user sent an AI assistant")) return rainbowReply(ctx);
    // The in-context script counts what it did not recognize: those go to the evol script (evolving,
    // the information-gain judgement, or a plain answer).
    const unknown = inContext.counts.other;
    const answer = inContext.reply(ctx);
    if (inContext.counts.other === unknown) return answer;
    const reply = evol.reply(ctx);
    return reply.startsWith("Answer to: ") && isHostile(ctx.input) ? `${reply}\n${HOSTILE}` : reply;
  };
  return { reply };
}
