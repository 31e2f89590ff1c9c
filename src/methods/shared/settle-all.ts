/**
 * Waiting for several calls of one record together. Like Promise.all, but settles every call before it rejects: a call left running past the record's
 * failure could finish after the session closed, uncached, and be paid again by the re-run.
 */
export async function allOrFirstError<T extends readonly unknown[]>(
  calls: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(calls as readonly Promise<unknown>[]);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
