/**
 * The 'native' tfjs backend: tfjs-backend-cpu's storage and kernels, plus a
 * pool that recycles large Float32Array outputs of the native kernels.
 *
 * Pool safety: a buffer is recycled (or updated in place, see native-adam)
 * only when (1) this backend allocated it ("owned"), (2) it never escaped:
 * readSync/read (dataSync(), data(), bufferSync() ...) mark the buffer as
 * exposed, and so does a cpu (fallback) kernel whose output aliases an owned
 * buffer under a new data id (a contiguous Slice returns a subarray of its
 * input), and (3) for recycling, its tensor data was disposed; for in-place
 * updates, its data id has a reference count of 1.
 */
import type { DataId, DataType, TensorInfo, backend_util } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

/** Outputs smaller than this many floats are plain allocations. */
const POOL_MIN_FLOATS = 1 << 14;

function poolLimitBytes(): number {
  const mb = Number(process.env.MODELSPEC_NATIVE_POOL_MB);
  return (Number.isFinite(mb) && mb >= 0 ? mb : 1024) * 2 ** 20;
}

export class NativeBackend extends MathBackendCPU {
  private readonly pooled = new WeakSet<ArrayBufferLike>();
  private readonly exposed = new WeakSet<ArrayBufferLike>();
  private readonly free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  private readonly maxFreeBytes = poolLimitBytes();
  /** Statistics, for tests and benchmarks. */
  readonly poolStats = { hits: 0, misses: 0, recycled: 0, dropped: 0 };

  constructor() {
    super();
    // MathBackendCPU warns once to install tfjs-node; this is the native engine.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  /** A Float32Array of n elements whose contents are unspecified. */
  alloc(n: number): Float32Array {
    if (n < POOL_MIN_FLOATS) return new Float32Array(n);
    return this.fromPool(n);
  }

  /** Like alloc, but tracked as owned whatever its size (see mutableInPlace). */
  allocOwned(n: number): Float32Array {
    if (n >= POOL_MIN_FLOATS) return this.fromPool(n);
    const a = new Float32Array(n);
    this.pooled.add(a.buffer);
    return a;
  }

  /**
   * Whether the data of t may be overwritten in place: a Float32Array this
   * backend allocated, never exposed or aliased, referenced by one data id.
   */
  mutableInPlace(t: TensorInfo): boolean {
    if (!this.data.has(t.dataId) || this.refCount(t.dataId) !== 1) return false;
    const v = this.data.get(t.dataId)!.values;
    return v instanceof Float32Array && this.pooled.has(v.buffer) && !this.exposed.has(v.buffer);
  }

  private fromPool(n: number): Float32Array {
    const a = this.free.get(n)?.pop();
    if (a) {
      this.freeBytes -= a.byteLength;
      this.poolStats.hits++;
      return a;
    }
    this.poolStats.misses++;
    const fresh = new Float32Array(n);
    this.pooled.add(fresh.buffer);
    return fresh;
  }

  /** Wraps values into tensor data owned by this backend. */
  output(values: backend_util.BackendValues, shape: number[], dtype: DataType = 'float32'): TensorInfo {
    return { dataId: this.write(values, shape, dtype), shape, dtype };
  }

  values(t: TensorInfo): backend_util.BackendValues {
    return this.data.get(t.dataId)!.values!;
  }

  /** Marks the buffer behind a tensor as escaped: it will not be recycled. */
  markExposed(values: unknown): void {
    if (ArrayBuffer.isView(values)) this.exposed.add(values.buffer);
  }

  isPooled(values: unknown): boolean {
    return ArrayBuffer.isView(values) && this.pooled.has(values.buffer);
  }

  override readSync(dataId: DataId): backend_util.BackendValues {
    const v = super.readSync(dataId);
    this.markExposed(v);
    const d = this.data.get(dataId);
    if (d) this.markExposed(d.values);
    return v;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    // has() first: DataStorage.get() would move the data here from another backend
    const d = this.data.has(dataId) ? this.data.get(dataId) : undefined;
    const values = d?.values;
    const released = super.disposeData(dataId, force);
    if (released && d && !this.data.has(dataId)) this.recycle(values);
    return released;
  }

  private recycle(v: unknown): void {
    if (!(v instanceof Float32Array) || v.length < POOL_MIN_FLOATS || !this.pooled.has(v.buffer) || this.exposed.has(v.buffer)) return;
    if (v.byteOffset !== 0 || v.byteLength !== v.buffer.byteLength) return;
    if (this.freeBytes + v.byteLength > this.maxFreeBytes) {
      this.poolStats.dropped++;
      return;
    }
    let list = this.free.get(v.length);
    if (!list) this.free.set(v.length, (list = []));
    list.push(v);
    this.freeBytes += v.byteLength;
    this.poolStats.recycled++;
  }

  /** Empties the pool (the memory goes back to the garbage collector). */
  trimPool(): void {
    this.free.clear();
    this.freeBytes = 0;
  }

  override dispose(): void {
    this.trimPool();
    super.dispose();
  }
}
