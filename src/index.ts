/**
 * selfalign's library API: everything the CLI does is callable from code.
 *
 *   const runDir = RunDirectory.open("runs/demo", { purpose: "demo" });
 *   const engine = new RunEngine(runDir, { seed: 1, budget: { maxCalls: 1000 } });
 *   const model = createOpenAICompatibleModel({ baseUrl: "http://127.0.0.1:8000/v1", model: "qwen" });
 *   engine.addModel(model, { concurrency: 16 });
 *   await respond({ engine, model, inputPath: "in.jsonl", outputPath: "out.jsonl" });
 *   runDir.close();
 */
export {
  type ModelConfig,
  modelConfigSchema,
  type RunConfig,
  runConfigSchema,
} from "./config/model-config.js";
export * from "./data/corpus/index.js";
export * from "./data/export/index.js";
export * from "./data/index.js";
export * from "./data/stats/index.js";
export { Budget, BudgetExhaustedError, type BudgetLimits } from "./engine/budget.js";
export {
  type EngineCounters,
  type EngineOptions,
  type PreparedCall,
  RunEngine,
  RunInterruptedError,
  type Sample,
} from "./engine/engine.js";
export type { LaneSettings } from "./engine/model-lane.js";
export { Rng } from "./engine/rng.js";
export { RunDirectory } from "./engine/run-dir.js";
export {
  generateObject,
  generateObjects,
  parseAndValidate,
  type StructuredRequest,
  type StructuredResult,
} from "./engine/structured.js";
export { CHAT_TEMPLATE_NAMES, type ChatTemplateName, renderChat } from "./llm/chat-templates.js";
export { ModelCallError, type ModelErrorKind } from "./llm/errors.js";
export type * from "./llm/language-model.js";
export {
  createLocalModel,
  DEFAULT_LOCAL_MODEL_URI,
  LocalModel,
  type LocalModelOptions,
} from "./llm/local/index.js";
export {
  createOpenAICompatibleModel,
  OpenAICompatibleModel,
  type OpenAICompatibleOptions,
} from "./llm/openai-compatible.js";
export { costOf, type Price, type PriceTable, readPriceTable } from "./llm/pricing.js";
export { createModel, withEnvironment } from "./llm/resolve-model.js";
export {
  type DocumentCorpusOptions,
  type DocumentFailure,
  type DocumentMethodOptions,
  type DocumentStats,
  newDocumentStats,
} from "./methods/backtranslation/document-loop.js";
export {
  HUMPBACK_DEFAULTS,
  type HumpbackOptions,
  type HumpbackSettings,
  type HumpbackStats,
  humpback,
  newHumpbackStats,
} from "./methods/backtranslation/humpback.js";
export type {
  RoundStats as HumpbackRoundStats,
  ScoreDistribution,
} from "./methods/backtranslation/humpback-decide.js";
export type { PairRecord as HumpbackRecord } from "./methods/backtranslation/humpback-pairs.js";
export { type LengthHint, lengthHint } from "./methods/backtranslation/length-hint.js";
export {
  LONGFORM_STYLES,
  type LongformOptions,
  type LongformRecord,
  type LongformStats,
  type LongformStyle,
  type LongformStyleChoice,
  longform,
  MIXED_STYLE_WEIGHTS,
  newLongformStats,
} from "./methods/backtranslation/longform.js";
export {
  type UditOptions,
  type UditRecord,
  type UditSummary,
  udit,
} from "./methods/backtranslation/udit.js";
export { UDIT_TASKS, type UditTask } from "./methods/backtranslation/udit-passage.js";
export {
  DEFAULT_GROUNDING_THRESHOLD,
  type GroundingRecord,
  type WrapOptions,
  type WrapRecord,
  wrapDocuments,
} from "./methods/backtranslation/wrap.js";
export {
  AUTO_EVOL_DEFAULTS,
  type AutoEvolOptions,
  type AutoEvolSettings,
  type AutoEvolStats,
  autoEvol,
  newAutoEvolStats,
} from "./methods/evolution/auto-evol.js";
export type {
  AnalysisRecord as AutoEvolAnalysisRecord,
  HistoryRecord as AutoEvolHistoryRecord,
  TrajectoryRecord as AutoEvolTrajectoryRecord,
} from "./methods/evolution/auto-evol-records.js";
export {
  EVOL_DEFAULTS,
  type EvolOptions,
  type EvolSettings,
  type EvolStats,
  evolInstruct,
  newEvolStats,
} from "./methods/evolution/evol.js";
export type {
  EvolGenerationRecord,
  EvolPoolRecord,
  EvolRoundStats,
} from "./methods/evolution/evol-records.js";
export {
  BUILT_IN_OPERATIONS,
  type EvolDomain,
  type EvolOperation,
  type OperationSet,
  readOperationsFile,
  resolveOperations,
} from "./methods/evolution/operations.js";
export {
  AUTODETECT_DEFAULTS,
  type AutodetectOptions,
  type AutodetectRoundStats,
  type AutodetectSettings,
  type AutodetectStats,
  autodetect,
  newAutodetectStats,
} from "./methods/feedback/autodetect.js";
export type {
  QuestionRecord as AutodetectQuestionRecord,
  SftRecord as AutodetectSftRecord,
  WeaknessRow as AutodetectWeaknessRow,
} from "./methods/feedback/autodetect-records.js";
export {
  type Checker,
  type CheckerSpec,
  type CheckInput,
  createChecker,
  parseCheckerSpec,
  type Verdict,
} from "./methods/feedback/checkers.js";
export type { AnalysisRecord as LearnFromErrorsAnalysis } from "./methods/feedback/error-analysis.js";
export {
  type ExamItem,
  type ExamOptions,
  type ExamOutcome,
  type ExamResult,
  type LabelledExample,
  type LabelledFields,
  readLabelled,
  runExam,
} from "./methods/feedback/exam.js";
export {
  assertCanScore,
  chatContext,
  type IfdPair,
  type IfdScorer,
  type IfdScores,
  isUnscorable,
  perplexity,
  type ScoringTemplate,
  scoreIfd,
  UnscorableError,
} from "./methods/feedback/ifd.js";
export {
  type IfdRunOptions,
  type IfdStats,
  newIfdStats,
  runIfd,
  type ScoredRecord,
} from "./methods/feedback/ifd-job.js";
export {
  type IfdSelection,
  selectByIfd,
  type Verdict as IfdVerdict,
} from "./methods/feedback/ifd-selection.js";
export {
  type AnswerRecord as LearnFromErrorsAnswerRecord,
  LEARN_FROM_ERRORS_DEFAULTS,
  type LearnFromErrorsOptions,
  type LearnFromErrorsSettings,
  type LearnFromErrorsStats,
  learnFromErrors,
  newLearnFromErrorsStats,
  type WeaknessesFile,
} from "./methods/feedback/learn-from-errors.js";
export {
  type Accuracy,
  LLM2LLM_DEFAULTS,
  type Llm2LlmIteration,
  type Llm2LlmOptions,
  type Llm2LlmSettings,
  type Llm2LlmStats,
  llm2llm,
  newLlm2LlmStats,
} from "./methods/feedback/llm2llm.js";
export type {
  AddedRecord as Llm2LlmAddedRecord,
  AnswerRecord as Llm2LlmAnswerRecord,
  TrainRecord as Llm2LlmTrainRecord,
} from "./methods/feedback/llm2llm-records.js";
export {
  newRainbowStats,
  RAINBOW_DEFAULTS,
  type RainbowOptions,
  type RainbowSettings,
  type RainbowStats,
  rainbowTeaming,
} from "./methods/feedback/rainbow.js";
export {
  type ArchiveData,
  cellKey,
  MapElitesArchive,
  type OfferOutcome,
} from "./methods/feedback/rainbow-archive.js";
export {
  type AxesFile,
  type Axis,
  DEFAULT_AXES,
  DEFAULT_OBJECTIVE,
  readAxesFile,
} from "./methods/feedback/rainbow-axes.js";
export type { SeedPrompt as RainbowSeed } from "./methods/feedback/rainbow-candidate.js";
export type {
  CandidateRecord as RainbowCandidateRecord,
  EliteRecord as RainbowEliteRecord,
  IterationRecord as RainbowIterationRecord,
} from "./methods/feedback/rainbow-records.js";
export {
  newReflectStats,
  type ReflectOptions,
  type ReflectRecord,
  type ReflectStats,
  reflect,
} from "./methods/feedback/reflect.js";
export {
  type Choice as ReflectionChoice,
  chooseInstruction,
  chooseResponse,
} from "./methods/feedback/reflection-choice.js";
export {
  DEFAULT_PAIR_FIELDS,
  type PairFields,
  readSftPair,
  type SftPair,
} from "./methods/feedback/sft-pair.js";
export type { ExampleRecord as LearnFromErrorsExample } from "./methods/feedback/targeted-examples.js";
export type { Weakness as LearnFromErrorsWeakness } from "./methods/feedback/weakness-grouping.js";
export { type DedupMethod, type DedupOptions, type DedupStats, dedup } from "./methods/filters/dedup.js";
export { type BootstrapStats, newBootstrapStats } from "./methods/in-context/bootstrap.js";
export { type DatasetProfile, profileDataset } from "./methods/in-context/dataset-profile.js";
export {
  type FromDatasetOptions,
  type FromDatasetResult,
  type FromDatasetStats,
  fromDataset,
} from "./methods/in-context/from-dataset.js";
export {
  readSeedTasks,
  type SeedFormat,
  type SeedSet,
  type SeedTask,
} from "./methods/in-context/seed-tasks.js";
export {
  type SelfInstructOptions,
  type SelfInstructResult,
  selfInstruct,
} from "./methods/in-context/self-instruct-job.js";
export { readTopics, type Topic, topicPath } from "./methods/in-context/topic-taxonomy.js";
export {
  newTopicsStats,
  type TopicInstruction,
  type TopicsOptions,
  type TopicsResult,
  type TopicsStats,
  topicGuided,
} from "./methods/in-context/topics.js";
export type { TopicReport, TopicStatus } from "./methods/in-context/topics-report.js";
export {
  newUnnaturalStats,
  UNNATURAL_DEFAULTS,
  type UnnaturalOptions,
  type UnnaturalSettings,
  type UnnaturalStats,
  unnatural,
} from "./methods/in-context/unnatural.js";
export type { UnnaturalRecord } from "./methods/in-context/unnatural-example.js";
export { JUDGE_DEFAULTS, type JudgeOptions, judge } from "./methods/responses/judge.js";
export {
  type Aspect,
  DEFAULT_ASPECTS,
  parseAspectList,
  readAspectFile,
  resolveAspects,
} from "./methods/responses/judge-aspects.js";
export {
  DEFAULT_RESPONSE_FIELDS,
  type ResponseFields,
  type ResponseItem,
  readResponseItem,
} from "./methods/responses/judge-input.js";
export {
  type JudgedRecord,
  type JudgeMode,
  type JudgeStats,
  newJudgeStats,
  type PairRecord,
  type PairVerdict,
} from "./methods/responses/judge-records.js";
export {
  DEFAULT_MARGINS,
  type PairSelection,
  type PreferenceRecord,
  type PreferencesOptions,
  type PreferencesStats,
  preferences,
} from "./methods/responses/preferences.js";
export {
  type GenerationSettings,
  newRespondStats,
  type RespondOptions,
  type RespondRecord,
  type RespondStats,
  respond,
} from "./methods/responses/respond.js";
export { EXAMPLE_PIPELINE_YAML, examplePipeline } from "./pipeline/example.js";
export { checkPipelineValue, type LoadedPipeline, loadPipelineFile } from "./pipeline/load.js";
export { METHOD_WIRING, type MethodWiring, PIPELINE_METHODS } from "./pipeline/methods.js";
export { type PipelineResult, type RunPipelineOptions, runPipeline } from "./pipeline/run.js";
export { definePipeline, type ModelSpec, type PipelineSpec, type StepSpec } from "./pipeline/spec.js";
export { type CollectOptions, collectReport, DEFAULT_LIMITS as REPORT_LIMITS } from "./report/collect.js";
export { renderReportHtml } from "./report/render-html.js";
export { type WriteReportResult, writeReport } from "./report/report.js";
export { type ReportServer, type ServeOptions, serveReport } from "./report/serve.js";
export type { ReportData, ReportLimits } from "./report/types.js";
export { type BleuOptions, sentenceBleu, sentenceBleuTokens } from "./text/bleu.js";
export {
  type DiversityFigures,
  distinctN,
  diversity,
  type PairwiseRougeL,
  pairwiseRougeL,
} from "./text/diversity.js";
export { ExactDedup, normalizeForDedup } from "./text/exact-dup.js";
export {
  DEFAULT_BLACKLIST,
  type FilterOptions,
  type FilterVerdict,
  heuristicFilter,
} from "./text/filters.js";
export { type FilterDecision, type FilterRecord, greedyFilter } from "./text/greedy-filter.js";
export { contentWords, type Grounding, type GroundingOptions, grounding } from "./text/grounding.js";
export {
  contentTerms,
  DocumentFrequencies,
  type Keyword,
  tfidfKeywords,
} from "./text/keywords.js";
export { MinHashDedup, type MinHashOptions } from "./text/minhash.js";
export { naiveFilter } from "./text/naive-filter.js";
export { NearDupIndex, type NearestMatch } from "./text/near-dup-index.js";
export { type RougeScore, rougeL, rougeLTokens } from "./text/rouge-l.js";
export { type Sentence, splitSentences } from "./text/sentences.js";
export { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS, isStopWord } from "./text/stopwords.js";
export { resolveTokenizer, type TokenizerMode, tokenize } from "./text/tokenize.js";
