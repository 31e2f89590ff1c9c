/**
 * Independent draws of requests that may repeat. Sampling methods build prompts at random; two prompts
 * can come out identical (few seeds, or the same pick twice), and with a content-addressed cache the
 * second would get the first one's answer. The n-th occurrence of a request in a run becomes its sample
 * n instead, a separate call with its own cache entry. Occurrences are counted in the order the method
 * prepares its calls, which is deterministic, so a resumed run gives every draw the same number.
 */
import type { PreparedCall, RunEngine } from "../../engine/engine.js";
import type { GenerateRequest, LanguageModel } from "../../llm/language-model.js";

export class Draws {
  /** Occurrences so far, by the request's first cache key (a hash: bounded memory per request). */
  private readonly seen = new Map<string, number>();

  constructor(private readonly engine: RunEngine) {}

  /** Prepares the next independent draw (one sample) of `request`. */
  prepare(model: LanguageModel, request: GenerateRequest): PreparedCall {
    const first = this.engine.prepare(model, request, 1);
    const key = first.keys[0] as string;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    return n === 0 ? first : this.engine.prepare(model, request, 1, n);
  }

  /**
   * The next `samples` independent draws of `request` as one call (one request with `n` samples where the
   * model allows it): their sample indices follow those of the earlier draws of the same request.
   */
  prepareMany(model: LanguageModel, request: GenerateRequest, samples: number): PreparedCall {
    const key = this.engine.prepare(model, request, 1).keys[0] as string;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + samples);
    return this.engine.prepare(model, request, samples, n);
  }
}
