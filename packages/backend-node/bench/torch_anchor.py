"""PyTorch CPU anchor for bench/engines.ts.

Reads commands on stdin, one per line: "<mlp|cnn> <batch> <seconds>", trains
the same model as the tfjs benchmark (Adam, lr 1e-3, cross-entropy) on one
synthetic batch for about <seconds> and answers one JSON line on stdout:
{"samples_per_s": ...} or {"error": "..."}. The first line it prints is
{"ready": true, "torch": version, "threads": n, "python": version,
"openblas_num_threads": the environment's value or null} or {"error": ...}.
"""
import json
import os
import platform
import sys
import time

try:
    import torch
    import torch.nn as nn
except Exception as e:  # noqa: BLE001
    print(json.dumps({"error": f"torch unavailable: {e}"}), flush=True)
    sys.exit(0)

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
torch.set_num_threads(threads)
torch.manual_seed(0)


def build(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * 13 * 13, 128), nn.ReLU(), nn.Linear(128, 10))


cache = {}
print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(),
                  "python": platform.python_version(),
                  "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS")}), flush=True)
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    try:
        kind, batch, seconds = parts[0], int(parts[1]), float(parts[2])
        key = (kind, batch)
        if key not in cache:
            model = build(kind)
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            x = torch.rand(batch, 784) if kind == "mlp" else torch.rand(batch, 1, 28, 28)
            y = torch.randint(0, 10, (batch,))
            cache[key] = (model, opt, x, y)
        model, opt, x, y = cache[key]
        loss_fn = nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()  # one sync per step, like tfjs's trainOnBatch

        w0 = time.perf_counter()
        step()
        if time.perf_counter() - w0 < seconds / 4:
            step()
        steps, t0 = 0, time.perf_counter()
        while steps < 1 or time.perf_counter() - t0 < seconds:
            step()
            steps += 1
        print(json.dumps({"samples_per_s": batch * steps / (time.perf_counter() - t0)}), flush=True)
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": str(e)}), flush=True)
