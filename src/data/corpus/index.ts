/** Corpus ingestion: files to passages with their source places (see read-corpus.ts). */
export { type CorpusFile, type CorpusFileKind, listCorpusFiles } from "./corpus-files.js";
export {
  type CorpusOptions,
  type CorpusReport,
  newCorpusReport,
  type Passage,
  type PassageDropReason,
  type PassageSource,
} from "./passage.js";
export { readCorpus } from "./read-corpus.js";
