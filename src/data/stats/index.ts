/** Descriptive statistics of a record file (`selfalign stats`) and the helpers the dataset card shares. */
export {
  type DatasetStats,
  type DatasetStatsOptions,
  type DiversityStats,
  datasetStats,
  type ScoreStats,
} from "./dataset-stats.js";
export { formatStats } from "./format-stats.js";
export {
  type HistogramBin,
  histogram,
  type NumericSummary,
  percentile,
  summarize,
  type TextLengths,
} from "./summary.js";
