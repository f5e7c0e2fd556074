"""numpy's sgemm for bench/engines.ts: python3 blas_probe.py <n> <seconds>.

Multiplies two random float32 n x n matrices with numpy (Debian's numpy calls
the BLAS that the alternatives system selects) for about <seconds> after one
warm-up call and prints one JSON line: the best call's GFLOP/s (2 n^3 flops),
the number of calls, numpy's version and the OpenBLAS library loaded into the
process with its own configuration string and thread count.
"""
import ctypes
import json
import sys

out = {}
try:
    import numpy as np
except Exception as e:  # noqa: BLE001
    print(json.dumps({"error": f"numpy unavailable: {e}"}), flush=True)
    sys.exit(0)

n = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
from gemm_probe import best_call  # noqa: E402  (after the numpy check: gemm_probe needs numpy)

out["numpy"] = np.__version__

libs = sorted({line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line and ".so" in line})
out["libraries"] = libs
for lib in libs:
    try:
        so = ctypes.CDLL(lib)
        so.openblas_get_config.restype = ctypes.c_char_p
        out["openblas_config"] = so.openblas_get_config().decode()
        out["openblas_threads"] = so.openblas_get_num_threads()
        break
    except Exception:  # noqa: BLE001
        continue

rng = np.random.default_rng(0)
a = rng.random((n, n), dtype=np.float32)
b = rng.random((n, n), dtype=np.float32)
best, calls = best_call(lambda: np.matmul(a, b), seconds)
out.update({"n": n, "calls": calls, "gflops": 2 * n ** 3 / best / 1e9})
print(json.dumps(out), flush=True)
