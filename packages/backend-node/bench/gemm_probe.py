"""numpy's sgemm at given shapes for bench/gemm-floor.ts: python3 gemm_probe.py <seconds>.

Reads a JSON list of products [{"tA": 0|1, "tB": 0|1, "M", "N", "K"}, ...] on
standard input; for each, multiplies random float32 matrices with np.matmul
(transposed operands as transposed views, so the BLAS gets the transpose flag,
not a copy; the output preallocated) for about <seconds> after one warm-up
call, and prints one JSON line: the best call's seconds per product, in order.
OpenBLAS's threads are whatever OPENBLAS_NUM_THREADS leaves them.
"""
import json
import sys
import time

import numpy as np



def best_call(fn, seconds):
    """The fastest of repeated calls: one warm-up call, then at least three for about `seconds`; (seconds, calls)."""
    fn()
    best, calls, t0 = float("inf"), 0, time.perf_counter()
    while calls < 3 or time.perf_counter() - t0 < seconds:
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
        calls += 1
    return best, calls


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 0.3
    rng = np.random.default_rng(0)
    best_of = []
    for p in json.load(sys.stdin):
        M, N, K = p["M"], p["N"], p["K"]
        a = rng.random((K, M), dtype=np.float32).T if p["tA"] else rng.random((M, K), dtype=np.float32)
        b = rng.random((N, K), dtype=np.float32).T if p["tB"] else rng.random((K, N), dtype=np.float32)
        y = np.empty((M, N), dtype=np.float32)
        best_of.append(best_call(lambda: np.matmul(a, b, out=y), seconds)[0])
    print(json.dumps(best_of), flush=True)


if __name__ == "__main__":
    main()
