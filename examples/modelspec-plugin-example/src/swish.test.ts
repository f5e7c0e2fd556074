import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPluginHost } from '@modelspec/core';
import plugin, { jsEngine, swish, Swish } from './index.js';

beforeAll(async () => {
  createPluginHost([{ plugin }]); // registers Swish with tfjs serialization
  await jsEngine.activate();
});

const model = (layer: tfl.layers.Layer) => {
  const m = tfl.sequential();
  m.add(tfl.layers.inputLayer({ inputShape: [3] }));
  m.add(layer);
  return m;
};

describe('example/swish', () => {
  it('keeps its input shape and counts one weight when it learns beta', () => {
    expect(swish.infer({ beta: 1, trainBeta: false }, [[28, 28]])).toEqual({ shape: [28, 28], trainable: 0, nonTrainable: 0 });
    expect(swish.infer({ beta: 1, trainBeta: true }, [[64]])).toEqual({ shape: [64], trainable: 1, nonTrainable: 0 });
    expect(model(new Swish({ beta: 1, trainBeta: true })).countParams()).toBe(1);
  });

  it('computes x * sigmoid(beta x)', () => {
    const x = [-3, 0, 2.5];
    for (const beta of [1, 0.5]) {
      const y = model(new Swish({ beta, trainBeta: false })).predict(tf.tensor2d([x])) as tf.Tensor;
      const want = x.map((v) => v / (1 + Math.exp(-beta * v)));
      Array.from(y.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    }
  });

  it("is saved under the plugin's name and loads back with its beta", async () => {
    const m = model(new Swish({ beta: 0.75, trainBeta: true }));
    m.layers.at(-1)!.setWeights([tf.scalar(2)]); // as if trained: the saved weight, not the param, comes back
    const json = m.toJSON(null, false) as unknown as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const layer = json.config.layers.find((l) => l.class_name.includes('Swish'))!;
    expect(layer.class_name).toBe('modelspec-plugin-example>Swish');
    expect(layer.config).toMatchObject({ beta: 0.75, train_beta: true }); // Keras's snake_case, as tfjs writes model.json

    let saved!: tf.io.ModelArtifacts;
    await m.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const back = await tfl.loadLayersModel(tf.io.fromMemory(saved));
    expect(back.layers.at(-1)).toBeInstanceOf(Swish);
    expect(back.layers.at(-1)).toMatchObject({ beta: 0.75, trainBeta: true });
    const x = tf.tensor2d([[-1, 0.5, 4]]);
    expect(back.layers.at(-1)!.getWeights()[0]!.dataSync()).toEqual(new Float32Array([2]));
    expect((back.predict(x) as tf.Tensor).arraySync()).toEqual((m.predict(x) as tf.Tensor).arraySync());
  });
});
