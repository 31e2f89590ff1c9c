/**
 * Cache keys for model calls. The canonical form of a request is written by hand for the fields of
 * GenerateRequest (sorted key order, undefined members left out): it is the same string the generic
 * canonicalJson would give, computed several times faster, which matters at thousands of calls a second.
 */
import { hash } from "node:crypto";
import type { GenerateRequest } from "../llm/language-model.js";
import { canonicalJson } from "../util/canonical.js";

/** Canonical JSON of a request without its sample count `n` (samples are keyed by index instead). */
export function canonicalRequest(request: GenerateRequest): string {
  const parts: string[] = [];
  if (request.jsonSchema !== undefined) parts.push(`"jsonSchema":${canonicalJson(request.jsonSchema)}`);
  if (request.maxTokens !== undefined) parts.push(`"maxTokens":${JSON.stringify(request.maxTokens)}`);
  if (request.messages !== undefined) {
    const messages = request.messages.map(
      (m) => `{"content":${JSON.stringify(m.content)},"role":${JSON.stringify(m.role)}}`,
    );
    parts.push(`"messages":[${messages.join(",")}]`);
  }
  if (request.prompt !== undefined) parts.push(`"prompt":${JSON.stringify(request.prompt)}`);
  if (request.seed !== undefined) parts.push(`"seed":${JSON.stringify(request.seed)}`);
  if (request.stop !== undefined) parts.push(`"stop":${JSON.stringify(request.stop)}`);
  if (request.temperature !== undefined) parts.push(`"temperature":${JSON.stringify(request.temperature)}`);
  if (request.topP !== undefined) parts.push(`"topP":${JSON.stringify(request.topP)}`);
  return `{${parts.join(",")}}`;
}

/** The cache key of one sample: model identity, call kind, canonical request and sample index. */
export function callKey(modelId: string, kind: string, canonical: string, sample: number): string {
  // crypto.hash (one shot) is about twice as fast as createHash().update().digest() for short inputs.
  return hash("sha256", `v1\u0000${modelId}\u0000${kind}\u0000${sample}\u0000${canonical}`, "hex");
}
