/**
 * The settings that decide what a method's run makes (its "recipe"), pinned in the run directory on
 * the first session. Resuming with another recipe would append records of a different run to the same
 * files (for Self-Instruct: tasks never compared with the ones already written), so it is refused with
 * the settings that differ. Settings that only say how much to make (a count) are not part of it.
 */
import type { RunDirectory } from "../../engine/run-dir.js";
import { canonicalJson } from "../../util/canonical.js";

export function pinRecipe(runDir: RunDirectory, method: string, recipe: Record<string, unknown>): void {
  const key = `recipe/${method}`;
  const current = JSON.parse(canonicalJson(recipe)) as Record<string, unknown>;
  const pinned = runDir.getState<Record<string, unknown>>(key);
  if (pinned === undefined) {
    runDir.setState(key, current);
    return;
  }
  const changed = [...new Set([...Object.keys(pinned), ...Object.keys(current)])]
    .filter((name) => canonicalJson(pinned[name]) !== canonicalJson(current[name]))
    .map((name) => `${name}: ${show(pinned[name])} -> ${show(current[name])}`);
  if (changed.length > 0) {
    throw new Error(
      `${runDir.path} holds a ${method} run made with other settings (${changed.join("; ")}); ` +
        "resume it with the same settings, or start a new one with another --out (or --run-dir)",
    );
  }
}

function show(value: unknown): string {
  const text = value === undefined ? "unset" : canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
