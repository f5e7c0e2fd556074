import { layerRegistry, type LayerRegistry } from '../layers/index.js';
import { initializerRegistry, type InitializerRegistry } from '../components/initializers.js';
import { regularizerRegistry, type RegularizerRegistry } from '../components/regularizers.js';
import { optimizerRegistry, type OptimizerRegistry } from '../components/optimizers.js';
import { lossRegistry, type LossRegistry } from '../components/losses.js';
import { metricRegistry, type MetricRegistry } from '../components/metrics.js';
import { datasetRegistry, type DatasetRegistry } from '../data/datasets/index.js';

/** Every extension point a spec can name, passed explicitly to the stages that need them. */
export interface Registries {
  layers: LayerRegistry;
  initializers: InitializerRegistry;
  regularizers: RegularizerRegistry;
  optimizers: OptimizerRegistry;
  losses: LossRegistry;
  metrics: MetricRegistry;
  datasets: DatasetRegistry;
}

/** The extension points with nothing registered, each with its own registration check; the plugin host fills them. */
export function emptyRegistries(): Registries {
  return {
    layers: layerRegistry().empty(),
    initializers: initializerRegistry().empty(),
    regularizers: regularizerRegistry().empty(),
    optimizers: optimizerRegistry().empty(),
    losses: lossRegistry().empty(),
    metrics: metricRegistry().empty(),
    datasets: datasetRegistry().empty(),
  };
}
