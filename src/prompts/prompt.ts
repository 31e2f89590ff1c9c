/**
 * Prompts are data with an identity: every record names the prompts that made it (`id@vN`), so a change
 * of wording is visible in the output and, since the text is part of the request, never served from a
 * cache filled by the old wording. Bump `version` whenever a template's text changes.
 */
export interface PromptRef {
  /** "method/step", e.g. "self-instruct/generate". */
  id: string;
  version: number;
}

export function promptTag(prompt: PromptRef): string {
  return `${prompt.id}@v${prompt.version}`;
}

/** Collapses runs of whitespace to one space: list items must stay on one line. */
export function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim();
}
