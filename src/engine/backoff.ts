/**
 * Exponential backoff with "equal jitter" (half fixed, half random), floored by the server's Retry-After when it gives one. Jitter
 * spreads the retries of many concurrent calls that failed together (a 429 burst) so they do not return
 * together. Jitter uses Math.random on purpose: it changes timing only, never what is asked.
 */
export interface BackoffPolicy {
  /** Attempts after the first; 0 disables retries. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { retries: 6, baseMs: 500, maxMs: 60_000 };

export function backoffDelay(policy: BackoffPolicy, attempt: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, Math.min(jittered, policy.maxMs));
}
