/**
 * Settings given by a library caller on top of a method's defaults: members left undefined keep the
 * default (a plain spread would overwrite it with `undefined`, which `chatRequest` then leaves out).
 */
export function withDefaults<T extends object>(defaults: T, given: Partial<T> | undefined): T {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
