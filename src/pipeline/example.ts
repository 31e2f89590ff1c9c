/**
 * The pipeline `selfalign init` writes, and the demo's: Self-Instruct from a few seeds, Evol-Instruct,
 * responses, a judge, preference pairs, and exports for SFT and DPO trainers.
 */
import type { PipelineSpec } from "./spec.js";

export const EXAMPLE_PIPELINE_YAML = `# A selfalign pipeline: models are named once, steps run in order, and each step reads the
# previous step's output unless "input:" says otherwise. Run it with:  npx selfalign run pipeline.yaml
# Re-running resumes where it stopped; --dry-run lists each step's command and an estimate.
name: example
out: runs/example          # step directories go here (relative to this file)
seed: 1

models:
  # The embedded local model: a small instruct GGUF, downloaded once on first use.
  local:
    model: local
    concurrency: 2
  # An OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server, ...); the key stays in the
  # environment variable. Use it by writing "model: api" in a step.
  api:
    model: gpt-4o-mini
    base_url: https://api.openai.com/v1
    api_key_env: OPENAI_API_KEY
    concurrency: 8
    rpm: 500
    price: {input: 0.15, output: 0.6}   # USD per million tokens

steps:
  - name: generate
    method: self-instruct
    model: local
    with: {seeds: seeds.jsonl, count: 20, reply-format: json}
  - name: evolve
    method: evol
    model: local
    with: {rounds: 1}
  - name: responses
    method: respond
    models: [local]             # list several models to collect a response from each
    with: {samples: 2}
  - name: judge
    method: judge
    model: local
  - name: preferences
    method: preferences
    with: {margin: 1}
  - name: dpo
    method: export
    with: {format: dpo, conversational: true}
  - name: sft
    method: export
    input: responses
    with: {format: alpaca}
`;

/** The same pipeline as a value, for code (and the demo), with the model and sizes given. */
export function examplePipeline(options: {
  model: PipelineSpec["models"][string];
  seeds: string;
  count: number;
  out: string;
  maxOutputTokens?: number;
}): PipelineSpec {
  const tokens = options.maxOutputTokens;
  const limit = (n: number) => ({ "max-output-tokens": tokens ?? n });
  return {
    name: "demo",
    out: options.out,
    seed: 1,
    models: { main: options.model },
    steps: [
      {
        name: "generate",
        method: "self-instruct",
        with: {
          seeds: options.seeds,
          count: options.count,
          "reply-format": "json",
          "batch-size": 2,
          "max-rounds": 4,
          ...limit(512),
          "instance-max-tokens": tokens ?? 256,
        },
      },
      { name: "evolve", method: "evol", with: { rounds: 1, ...limit(512) } },
      { name: "responses", method: "respond", with: { samples: 2, ...limit(384) } },
      { name: "judge", method: "judge", with: { aspects: "helpfulness,honesty", ...limit(384) } },
      { name: "preferences", method: "preferences", with: { margin: 1 } },
      { name: "dpo", method: "export", with: { format: "dpo", conversational: true } },
      { name: "sft", method: "export", input: "responses", with: { format: "alpaca" } },
    ],
  };
}
