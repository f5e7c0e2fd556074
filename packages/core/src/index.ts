// Errors and their rendering
export { ModelspecError, SpecError, DataError, PluginError, RunError, issue } from './errors.js';
export type { Issue, Severity, SourceLocation } from './errors.js';
export { formatIssue, formatIssues, sortIssues, displayPath } from './render.js';

// Registries and plugin interfaces
export { Registry, suggest } from './registry/registry.js';
export type { Plugin } from './registry/registry.js';
export { emptyRegistries } from './spec/registries.js';
export type { Registries } from './spec/registries.js';

// Plugins: the contract, the host, modelspec's own kinds as a plugin
export { definePlugin, pluginNamespace, pluginPackageName, PLUGIN_API_VERSION, MODELSPEC_VERSION, CONTRIBUTIONS } from './plugin/define.js';
export type { ModelspecPlugin, PluginContributions, BackendKind, BackendContext, ContributionKey } from './plugin/define.js';
export { createPluginHost, builtinRegistries } from './plugin/host.js';
export type { PluginHost, LoadedPlugin, PluginRecord, PluginEntry } from './plugin/host.js';
export { corePlugin } from './plugin/builtins.js';
export { KIND_NAME, namespaceOf } from './registry/registry.js';

// Engines: a registry of tfjs engines with declared capabilities
export { defineEngine, sortEngines } from './engine/engine.js';
export { engineChooser, engineStatus } from './engine/select.js';
export { CPU_ENGINE, WASM_ENGINE } from './engine/builtin.js';
export type { EngineDeclaration } from './engine/builtin.js';
export type { EngineKind, EngineProbe, EngineAdapter, EngineCapabilities, Determinism, EngineDtype } from './engine/engine.js';
export { builtinLayers } from './layers/index.js';
export type { LayerKind, LayerName } from './layers/index.js';
export { defineLayer, ShapeProblem } from './layers/kind.js';
export type { Shape, Inferred, BuildContext, LayerClass } from './layers/kind.js';
export { registerCustomLayers, SeededDropout } from './layers/seeded-dropout.js';
export { DROPOUT_MASK_KERNEL, dropoutMask, dropoutMaskValues } from './layers/dropout-mask.js';
export { builtinActivations } from './components/activations.js';
export { builtinInitializers } from './components/initializers.js';
export type { InitializerKind } from './components/initializers.js';
export { builtinRegularizers } from './components/regularizers.js';
export type { RegularizerKind } from './components/regularizers.js';
export { builtinOptimizers } from './components/optimizers.js';
export type { OptimizerKind } from './components/optimizers.js';
export { builtinLosses } from './components/losses.js';
export type { LossKind, LabelEncoding } from './components/losses.js';
export { builtinMetrics } from './components/metrics.js';
export type { MetricKind } from './components/metrics.js';

// Stages: parse → upgrade → validate → check → compile → train → evaluate → report
export { parseSpecText, nestingDepth, PARSE_LIMITS } from './spec/parse.js';
export type { ParsedSource } from './spec/parse.js';
export { upgradeSpec } from './spec/upgrade.js';
export { buildSpecSchema } from './spec/schema.js';
export { formatSpec, writeSpec, FORMAT_LINE_WIDTH } from './spec/format.js';
export type { FormatResult } from './spec/format.js';
export { exampleBody } from './spec/editor.js';
export type { ModelSpec, ResolvedModelSpec } from './spec/schema.js';
export { SPEC_VERSION } from './spec/sections.js';
export { createValidator } from './spec/validate.js';
export { standaloneValidatorModule, validationSchemaDigest, AJV_OPTIONS } from './spec/validate-standalone.js';
export type { PrecompiledValidator } from './spec/validate-standalone.js';
export { createSpecLoader } from './spec/load.js';
export type { LoadedSpec, LoadResult, SpecLoader } from './spec/load.js';
export { checkSpec, formatBytes, DEFAULT_MEMORY_BUDGET } from './check/check.js';
export type { CheckReport, LayerInfo, MemoryEstimate } from './check/check.js';
export { compileModel } from './compile/compile.js';
export { trainModel, evaluateExamples } from './training/loop.js';
export type { EpochRecord, TrainResult, StopReason, Examples } from './training/loop.js';
export { summaryTable, summaryJson } from './summary.js';
export type { SummaryJson } from './summary.js';
export { deriveSeed, mulberry32 } from './random.js';

// Backends
export type { Backend, EngineStatus, ModelMetadata } from './backend/backend.js';

// Data: decoding from bytes, splits, dataset plugins
export * from './data/index.js';

// Evaluation and reports
export * from './eval/index.js';

// Experiments: data → engine → compile → train → evaluate
export { runExperiment, evaluateModel, evaluateTestSet, toBase64 } from './training/experiment.js';
export { buildReproduction, compareWithReference, measuredFigures, summarizeRun } from './report/compare.js';
export type { Reproduction, RunSummary, FigureComparison, Verdict, PredictionRecord, ReportEnvironment, SeedPlan, ReproductionSearch } from './report/types.js';
export { figureStatistics, studentTQuantile, CONFIDENCE } from './report/stats.js';
export type { FigureStatistics, Decision } from './report/stats.js';
export { environmentRows, seedPlanSentence, searchLines } from './report/provenance.js';
export { tableRow, renderReproductionsTable, unmeasuredRow } from './report/table.js';
export type { TableRow } from './report/table.js';
export type { MetricKey } from './spec/sections.js';
export type { ExperimentResult, ExperimentHooks, ExperimentOptions, TestEvaluation, Prediction } from './training/experiment.js';
export { prepareData, disposeData } from './training/prepare.js';
export type { PreparedData, PrepareOptions } from './training/prepare.js';
export { applyOverrides } from './spec/overrides.js';
export { composeSpec, mergeSpecs } from './spec/compose.js';
export type { SpecReader } from './spec/compose.js';
export type { LoadOptions } from './spec/load.js';
export type { BatchProgress } from './training/loop.js';

// Search: sklearn's RandomizedSearchCV over spec fields
export { sampleCandidates } from './search/sample.js';
export type { Candidate } from './search/sample.js';
export { stratifiedKFold } from './search/folds.js';
export { crossValidate } from './search/cross-validate.js';
export type { CandidateResult, SearchResult, SearchHooks } from './search/cross-validate.js';
export { chooseEngine, inputShapeOf, loadSpecData, trainOptionsFor } from './training/experiment.js';

// Reports: charts (Vega-Lite specs), Markdown and JSON
export { aggregateConfusion, curvePoints } from './report/aggregate.js';
export type { AggregateConfusion, CurvePoint, Split } from './report/aggregate.js';
export { curvesChart, confusionChart, figuresChart, CHART_FONT, SPLIT_COLORS, VERDICT_COLORS } from './report/charts.js';
export type { VegaLiteSpec } from './report/charts.js';
export { METRIC_LABELS, VERDICT_WORDS, TONE_COLORS, formatCount, formatFigure, formatDifference, formatMeanStd, formatDuration, wallTime, formatDate, explainFigure, verdictSentence, shownVerdict, overallDecision, statisticsSentence } from './report/format.js';
export type { Tone } from './report/format.js';
export { reproductionMarkdown, REPORT_IMAGES } from './report/markdown.js';
export type { MarkdownOptions, ReportImage } from './report/markdown.js';
export { reproductionJson } from './report/json.js';
export type { ReportJson, RunJson, PredictionJson } from './report/json.js';
export { sampleReproduction } from './report/sample.js';

// Training kernels the wasm engine lacks (shared by backend-node and backend-web)
export { registerWasmTrainingKernels, WASM_ADDED_KERNELS, WASM_REPLACED_KERNELS, WASM_WRAPPED_KERNELS } from './engines-wasm/wasm-training-kernels.js';
export { buildThroughputModel } from './engines-wasm/throughput-models.js';
export type { ThroughputModel } from './engines-wasm/throughput-models.js';
export type { WasmTrainingTf, WasmTrainingOptions, WasmTrainingRegistration } from './engines-wasm/wasm-training-kernels.js';

// The run layer: jobs and events as data, a runner, stores, reproduce and search over jobs
export * from './run/index.js';
export { captureTrainState, restoreTrainState, encodeTrainState, decodeTrainState, captureWeights, restoreWeights } from './training/state.js';
export type { TrainState, TensorData, EarlyStoppingState } from './training/state.js';
export { buildOptimizer } from './training/experiment.js';
