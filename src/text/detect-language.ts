/**
 * Language identification (tinyld), loaded on first use: its language profiles take a noticeable time
 * to load, which every CLI start would otherwise pay.
 */
import { createRequire } from "node:module";

const requireLazily = createRequire(import.meta.url);
let tinyldDetect: ((text: string) => string) | undefined;

/** ISO 639-1 code of the text's language, or "" when tinyld cannot tell. */
export function detectLanguage(text: string): string {
  tinyldDetect ??= (requireLazily("tinyld") as { detect: (text: string) => string }).detect;
  return tinyldDetect(text);
}
