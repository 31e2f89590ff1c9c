/**
 * An integer score from `min` to `max` as an enum of its values, not as minimum/maximum: the JSON-schema
 * grammar of the local provider (and some servers' guided decoding) enforces enums but ignores numeric
 * bounds, so a small model would otherwise write 707070 and fail validation.
 */
import { z } from "zod";

export function scoreSchema(min: number, max: number) {
  const values = Array.from({ length: max - min + 1 }, (_, i) => min + i) as [number, ...number[]];
  return z.literal(values);
}
