/**
 * How each command plugs into a pipeline: which option takes the step's input, whether it reads the
 * previous step's output by default, how its output is named, and which file the next step reads.
 */

export interface MethodWiring {
  /** The option that receives the step's input file (absent: the method reads no records). */
  input?: string;
  /** Whether the step reads the previous step's product when `input` is not given. */
  chains: boolean;
  /** `dir`: --out names a directory; `file`: --out names the product file itself. */
  out: "dir" | "file";
  /** The file the next step reads, relative to the step directory. */
  product: string;
  /** Whether the command calls a model (and takes the model options). */
  model: boolean;
}

const generator = (input: string, product = "instructions.jsonl"): MethodWiring => ({
  input,
  chains: false,
  out: "dir",
  product,
  model: true,
});
const reader = (product: string, input = "--in"): MethodWiring => ({
  input,
  chains: true,
  out: "dir",
  product,
  model: true,
});

export const METHOD_WIRING: Record<string, MethodWiring> = {
  "self-instruct": generator("--seeds"),
  unnatural: generator("--seeds"),
  topics: generator("--topics"),
  "from-dataset": generator("--data"),
  backtranslate: generator("--corpus", "curated.jsonl"),
  longform: generator("--corpus"),
  wrap: generator("--corpus"),
  udit: { input: "--corpus", chains: false, out: "dir", product: "instructions.jsonl", model: false },
  autodetect: { chains: false, out: "dir", product: "sft.jsonl", model: true },
  rainbow: generator("--seeds", "archive.jsonl"),
  evol: reader("pool.jsonl"),
  "auto-evol": reader("method.json"),
  llm2llm: reader("final.jsonl", "--train"),
  "learn-from-errors": reader("examples.jsonl", "--train"),
  ifd: reader("selected.jsonl"),
  reflect: reader("reflected.jsonl"),
  judge: reader("judged.jsonl"),
  respond: { input: "--in", chains: true, out: "file", product: "responses.jsonl", model: true },
  dedup: { input: "--in", chains: true, out: "file", product: "kept.jsonl", model: false },
  preferences: { input: "--in", chains: true, out: "dir", product: "preferences.jsonl", model: false },
  // The export's product is the dataset directory (Hub layout): data/, README.md, dataset_info.json.
  export: { input: "--in", chains: true, out: "dir", product: "", model: false },
};

export const PIPELINE_METHODS = Object.keys(METHOD_WIRING);
