/**
 * The two fixed models engine throughput is measured on (Fashion-MNIST
 * shapes), shared by backend-node's engine benchmark and core's wasm
 * throughput measurement:
 *   mlp: 784-512(relu)-256(relu)-10(softmax)
 *   cnn: conv 32 3x3 (relu) - maxpool 2 - flatten - dense 128 (relu) - dense 10 (softmax)
 */
import * as tfl from '@tensorflow/tfjs-layers';

export type ThroughputModel = 'mlp' | 'cnn';

export function buildThroughputModel(kind: ThroughputModel): tfl.Sequential {
  const m = tfl.sequential();
  if (kind === 'mlp') {
    m.add(tfl.layers.dense({ inputShape: [784], units: 512, activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
  } else {
    m.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 128, activation: 'relu' }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  return m;
}
