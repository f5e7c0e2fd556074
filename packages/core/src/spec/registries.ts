import { layerRegistry, type LayerRegistry } from '../layers/index.js';
import { initializerRegistry, type InitializerRegistry } from '../components/initializers.js';
import { regularizerRegistry, type RegularizerRegistry } from '../components/regularizers.js';
import { optimizerRegistry, type OptimizerRegistry } from '../components/optimizers.js';
import { lossRegistry, type LossRegistry } from '../components/losses.js';
import { metricRegistry, type MetricRegistry } from '../components/metrics.js';
import { datasetRegistry, type DatasetRegistry } from '../data/datasets/index.js';

/** Every extension point, passed explicitly to the stages that need them. */
export interface Registries {
  layers: LayerRegistry;
  initializers: InitializerRegistry;
  regularizers: RegularizerRegistry;
  optimizers: OptimizerRegistry;
  losses: LossRegistry;
  metrics: MetricRegistry;
  datasets: DatasetRegistry;
}

/** The built-in registries; add plugins with `registries.layers.with(myLayer)` and friends. */
export function builtinRegistries(): Registries {
  return {
    layers: layerRegistry(),
    initializers: initializerRegistry(),
    regularizers: regularizerRegistry(),
    optimizers: optimizerRegistry(),
    losses: lossRegistry(),
    metrics: metricRegistry(),
    datasets: datasetRegistry(),
  };
}
