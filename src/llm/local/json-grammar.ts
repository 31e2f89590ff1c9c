/**
 * JSON-schema-constrained decoding for the local provider: node-llama-cpp turns a JSON schema into a
 * GBNF grammar that llama.cpp enforces token by token ("native" structured output).
 */

import type { GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";
import { canonicalJson } from "../../util/canonical.js";
import { ModelCallError } from "../errors.js";
import type { JsonSchema } from "../language-model.js";

/** Keys that describe the schema document rather than the value; the grammar builder has no use for them. */
const DOCUMENT_KEYS = new Set(["$schema", "$id"]);

/**
 * Adapts a JSON Schema (as produced by `z.toJSONSchema`) to the subset node-llama-cpp understands:
 * it supports `oneOf` but not `anyOf` (which zod emits for unions and nullables). For the values a
 * grammar can produce, "any of" and "one of" accept the same documents once generation picks a branch.
 */
export function toGrammarSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGrammarSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOCUMENT_KEYS.has(key)) continue;
    out[key === "anyOf" ? "oneOf" : key] = toGrammarSchema(value);
  }
  return out;
}

/** Compiles each distinct schema once per model; concurrent requests share the pending compilation. */
export class JsonGrammarCache {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  constructor(private readonly llama: Llama) {}

  get(schema: JsonSchema): Promise<LlamaGrammar> {
    const key = canonicalJson(schema);
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = this.compile(schema);
      // Do not cache failures: the next call should see the same clear error, not a stale rejection.
      grammar.catch(() => this.grammars.delete(key));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  private async compile(schema: JsonSchema): Promise<LlamaGrammar> {
    try {
      // The cast is the boundary between an arbitrary JSON Schema and node-llama-cpp's typed subset;
      // keywords it does not know are ignored, malformed ones make it throw (handled below).
      const grammarSchema = toGrammarSchema(schema) as GbnfJsonSchema;
      return await this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(grammarSchema);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ModelCallError("unsupported", `The local model cannot enforce this JSON schema: ${reason}`, {
        cause: error,
      });
    }
  }
}
