/** The embedded local provider (llama.cpp via node-llama-cpp) and the tiny-GGUF writer used by tests. */

export {
  buildTinyLlamaGguf,
  CHATML_TEMPLATE,
  type TinyLlamaOptions,
  writeTinyLlamaGguf,
} from "./gguf-writer.js";
export { createLocalModel, LocalModel, type LocalModelOptions } from "./local-model.js";
export {
  DEFAULT_LOCAL_MODEL_URI,
  type DownloadProgress,
  defaultModelsDir,
  type ModelSourceOptions,
  resolveModelSource,
} from "./model-source.js";
