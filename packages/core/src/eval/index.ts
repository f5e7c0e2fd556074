export { confusionMatrix, rowNormalize, type ConfusionMatrix } from './confusion.js';
export {
  classificationReport,
  formatClassificationReport,
  type ClassificationReport,
  type ClassMetrics,
  type AverageMetrics,
} from './report.js';
export { topConfusions, formatConfusion, type Confusion } from './metrics.js';
