import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { EXAMPLE_PIPELINE_YAML } from "../../pipeline/example.js";
import { DEMO_SEEDS } from "./demo-seeds.js";

export function initCommand(): Command {
  return new Command("init")
    .description(
      "write an example pipeline (pipeline.yaml) and a dozen seed tasks (seeds.jsonl) to start from",
    )
    .argument("[dir]", "directory to write into", ".")
    .option("--force", "overwrite pipeline.yaml and seeds.jsonl if they exist")
    .action((dir: string, opts: { force?: boolean }) => {
      const target = resolve(dir);
      const files = {
        "pipeline.yaml": EXAMPLE_PIPELINE_YAML,
        "seeds.jsonl": `${DEMO_SEEDS.map((seed) => JSON.stringify(seed)).join("\n")}\n`,
      };
      const existing = Object.keys(files).filter((name) => existsSync(join(target, name)));
      if (existing.length > 0 && !opts.force) {
        throw new Error(
          `${existing.map((name) => join(target, name)).join(", ")} already exist; pass --force to overwrite`,
        );
      }
      mkdirSync(target, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(target, name), text);
      process.stderr.write(
        `wrote ${join(target, "pipeline.yaml")} and ${join(target, "seeds.jsonl")}\n` +
          `next: npx selfalign run ${join(dir, "pipeline.yaml")} --dry-run   (then without --dry-run)\n`,
      );
    });
}
