/**
 * Errors thrown by providers. The engine decides on retries from `retryable` and `retryAfterMs` only,
 * so providers must classify every failure they raise.
 */

export type ModelErrorKind =
  | "rate-limit" // 429
  | "server" // 5xx
  | "timeout"
  | "connection" // reset, refused, socket hang up
  | "malformed" // a body we could not parse
  | "bad-request" // 4xx other than 429: our request is wrong; retrying will not help
  | "auth" // 401/403
  | "unsupported" // the server lacks a feature we need (e.g. logprobs)
  | "model-unavailable"; // no weights / cannot resolve the model

const MARKER = Symbol.for("selfalign.ModelCallError");

export class ModelCallError extends Error {
  readonly [MARKER] = true;
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: ModelErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ModelCallError";
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return (
      this.kind === "rate-limit" ||
      this.kind === "server" ||
      this.kind === "timeout" ||
      this.kind === "connection" ||
      this.kind === "malformed"
    );
  }

  static is(value: unknown): value is ModelCallError {
    return typeof value === "object" && value !== null && MARKER in value;
  }
}

/** Parses an HTTP Retry-After header (seconds or HTTP date) into milliseconds. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
