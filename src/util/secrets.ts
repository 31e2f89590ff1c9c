/**
 * Known secret values (API keys) of this process. Anything we write to a log, event file, report or
 * error message passes through `redact`, so a server that echoes the key back cannot leak it into the
 * run directory.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  // Very short values would redact ordinary words; real keys are long.
  if (value && value.length >= 8) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("[REDACTED]");
  return out;
}
