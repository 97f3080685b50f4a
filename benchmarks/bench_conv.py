"""Speed of the NumPy kernels against floors measured in the same run.

    python benchmarks/bench_conv.py [--runs 7] [--threads N]

1. conv1x1 on an (8, 256, 56, 56) float32 input to 64 channels vs a bare numpy.matmul of the same
   product, (64, 256) @ (8, 256, 3136): the kernel's overhead (target: within 1.3×).
2. conv2d 3×3 (padding 1) on (8, 64, 56, 56) → 64, and the 1×1 above, vs torch.nn.functional.conv2d
   where torch is installed (same threads, same dtype, same numbers).
Each figure is the median of --runs timed calls after a warm-up; a kernel and its floor are timed
alternately, so load from other processes hits both alike. --threads sets the BLAS and torch threads
(default: the libraries' own choice).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def median_pair(ours, floor, runs: int) -> tuple[float, float]:
    """Medians of `runs` alternating timings of two callables (after one warm-up call each)."""
    ours(), floor()
    a, b = [], []
    for _ in range(runs):
        for fn, times in ((ours, a), (floor, b)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per figure (median; at least 5)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS and torch threads")
    args = parser.parse_args()
    runs = max(5, args.runs)
    if args.threads:  # before numpy loads OpenBLAS
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.threads)

    import numpy as np

    from dense1x1quiz import ops

    gen = np.random.default_rng(0)
    x = gen.standard_normal((8, 256, 56, 56), dtype=np.float32)
    w1 = gen.standard_normal((64, 256, 1, 1), dtype=np.float32)
    x3 = gen.standard_normal((8, 64, 56, 56), dtype=np.float32)
    w3 = gen.standard_normal((64, 64, 3, 3), dtype=np.float32)

    rows = []
    matrix, stacked = w1.reshape(64, 256), x.reshape(8, 256, 56 * 56)
    ours, floor = median_pair(lambda: ops.conv1x1(x, w1), lambda: np.matmul(matrix, stacked), runs)
    rows.append(("conv1x1 (8,256,56,56)→64", "numpy.matmul, same product", ours, floor))

    try:
        import torch
    except ImportError:
        torch = None
    diff = None
    if torch is not None:
        if args.threads:
            torch.set_num_threads(args.threads)
        functional = torch.nn.functional
        tx, tw1, tx3, tw3 = (torch.from_numpy(a) for a in (x, w1, x3, w3))
        with torch.no_grad():
            ours, theirs = median_pair(lambda: ops.conv1x1(x, w1), lambda: functional.conv2d(tx, tw1), runs)
            rows.append(("conv1x1 (8,256,56,56)→64", f"torch {torch.__version__} conv2d", ours, theirs))
            ours, theirs = median_pair(
                lambda: ops.conv2d(x3, w3, padding=1), lambda: functional.conv2d(tx3, tw3, padding=1), runs
            )
            rows.append(("conv2d 3×3 (8,64,56,56)→64", f"torch {torch.__version__} conv2d", ours, theirs))
            diff = float(np.abs(ops.conv2d(x3, w3, padding=1) - functional.conv2d(tx3, tw3, padding=1).numpy()).max())

    threads = args.threads or "default"
    print(f"median of {runs} alternating runs, float32, numpy {np.__version__}, threads: {threads}")
    print(f"{'kernel':<27} {'ours':>8}   {'floor':<27} {'floor':>8}   {'ratio':>5}")
    for kernel, what, t_ours, t_floor in rows:
        print(f"{kernel:<27} {t_ours * 1e3:>6.1f}ms   {what:<27} {t_floor * 1e3:>6.1f}ms   {t_ours / t_floor:>4.2f}×")
    if diff is not None:
        print(f"max |ours − torch| on the 3×3 output: {diff:.1e}")
    else:
        print("torch not installed: the torch comparisons were skipped")


if __name__ == "__main__":
    main()
