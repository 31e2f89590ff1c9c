/**
 * A pipeline: models named once, then steps, each a selfalign command whose options come from `with`.
 * The same shape is read from YAML (`selfalign run`) and passed from code (`runPipeline`).
 */
import { z } from "zod";

const positiveInt = z.number().int().positive();

export const modelSpecSchema = z
  .object({
    /** Model name on the server, or a GGUF path / hf: URI for the local model. */
    model: z.string().min(1),
    /** OpenAI-compatible base URL; "local" or absent runs the model in-process. */
    base_url: z.string().min(1).optional(),
    /** Environment variable holding the key (never the key itself). */
    api_key_env: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name, not a key")
      .optional(),
    endpoint: z.enum(["chat", "completions"]).optional(),
    structured_output: z.enum(["auto", "native", "prompt"]).optional(),
    concurrency: positiveInt.optional(),
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
    retries: z.number().int().min(0).optional(),
    retry_base_ms: positiveInt.optional(),
    timeout_ms: positiveInt.optional(),
    context_size: positiveInt.optional(),
    sequences: positiveInt.optional(),
    /** USD per million tokens. */
    price: z
      .object({ input: z.number().min(0), output: z.number().min(0) })
      .strict()
      .optional(),
  })
  .strict();

const optionValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number()])),
]);

export const stepSpecSchema = z
  .object({
    /** Step name: its directory under the pipeline's, and how later steps name it. Default: the method. */
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]*$/i, "letters, digits, - and _ (it names a directory)")
      .optional(),
    /** A selfalign command: self-instruct, evol, respond, judge, preferences, export, ... */
    method: z.string().min(1),
    /** The step's main model (an alias under `models`); default: the first model. */
    model: z.string().optional(),
    /** respond only: several models, each answering every instruction. */
    models: z.array(z.string()).min(1).optional(),
    /** Other roles of the method (student, target, judge, ...) by model alias. */
    roles: z.record(z.string(), z.string()).optional(),
    /**
     * What the step reads: "previous" (default for methods that read records), another step's name, or
     * a file path (relative to the pipeline file).
     */
    input: z.string().min(1).optional(),
    /** The command's options by long name, e.g. {count: 100, "reply-format": "json"}. */
    with: z.record(z.string(), optionValue).optional(),
  })
  .strict();

export const pipelineSpecSchema = z
  .object({
    name: z.string().min(1).optional(),
    /** Where step directories go (relative to the pipeline file); default: the file's name without .yaml. */
    out: z.string().min(1).optional(),
    /** Seed of every step's random generator (a step's `with.seed` wins). */
    seed: z.number().int().min(0).optional(),
    models: z
      .record(z.string(), modelSpecSchema)
      .refine((m) => Object.keys(m).length > 0, "name at least one model"),
    steps: z.array(stepSpecSchema).min(1),
  })
  .strict();

export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type StepSpec = z.infer<typeof stepSpecSchema>;
export type PipelineSpec = z.infer<typeof pipelineSpecSchema>;

/** Typed identity, for pipelines written in TypeScript. */
export function definePipeline(spec: PipelineSpec): PipelineSpec {
  return spec;
}
