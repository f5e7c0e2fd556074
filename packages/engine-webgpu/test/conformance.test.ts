/**
 * The conformance kit's engine suite on webgpu (Dawn in Node; on machines
 * without a GPU, Mesa's llvmpipe through Dawn's OpenGL ES backend), with the
 * declared exclusions for tfjs-core's own tests.
 *
 * Two of the kit's groups read tensors with dataSync, which webgpu cannot do
 * in Node (tfjs-backend-webgpu's readSync needs OffscreenCanvas): "kernel
 * parity" is covered by kernel-parity.test.ts with asynchronous reads over
 * the kit's own cases, and "model" by the save/load check below.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { engineChecks } from '@modelspec/conformance';
import { registerChecks } from '@modelspec/conformance/vitest';
import { buildThroughputModel } from '@modelspec/core';
import { webgpuTfjsExclusions } from '@modelspec/engine-webgpu';
import { nodeWebgpuEngine } from '@modelspec/engine-webgpu/node';
import { describe, expect, it } from 'vitest';

const probe = await nodeWebgpuEngine.probe();
const SYNC_READS = new Set(['kernel parity', 'model']);

if (!probe.available) {
  describe.skip(`conformance: engine webgpu (${probe.reason})`, () => it('needs an adapter', () => {}));
} else {
  const checks = engineChecks({ engine: nodeWebgpuEngine, tfjsTests: { exclude: webgpuTfjsExclusions, isDataSync: false } });
  registerChecks(`conformance: engine webgpu on ${probe.detail}`, checks.filter((c) => !SYNC_READS.has(c.group)));

  describe('conformance: engine webgpu, model (asynchronous reads)', () => {
    it('save and load in memory gives the same weights and predictions', async () => {
      await nodeWebgpuEngine.activate();
      const model = buildThroughputModel('mlp');
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
      const copy = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
      const x = tf.randomUniform([5, 784], 0, 1, 'float32', 3);
      for (const [i, w] of model.weights.entries()) expect(await copy.weights[i]!.read().data()).toEqual(await w.read().data());
      expect(await (copy.predict(x) as tf.Tensor).data()).toEqual(await (model.predict(x) as tf.Tensor).data());
      tf.dispose([x]);
      model.dispose();
      copy.dispose();
    });
  });
}
