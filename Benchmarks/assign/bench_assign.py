#!/usr/bin/env python3
"""Compare `alongside bench assign` with scipy.optimize.linear_sum_assignment.

For each size, a seeded uniform [0, 1) matrix is written to a temporary CSV at full precision
(repr), solved by both (minimise), and the best-of-N solve times and the totals are compared.
Exits non-zero if any totals disagree (relative tolerance 1e-6) or a run fails.

    python3 Benchmarks/assign/bench_assign.py [--bin PATH] [--sizes 100x100 2000x500 ...]
                                              [--repeat N] [--seed S]
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SIZES = ["100x100", "500x500", "1000x1000", "2000x2000", "2000x500"]
TOLERANCE = 1e-6


def parse_size(text):
    try:
        rows, cols = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 500x500, not {text!r}")
    if rows < 0 or cols < 0:
        raise argparse.ArgumentTypeError(f"size must not be negative: {text!r}")
    return rows, cols


def machine():
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores"


def write_csv(matrix, path):
    with open(path, "w", encoding="utf-8") as out:
        for row in matrix.tolist():
            out.write(",".join(map(repr, row)))
            out.write("\n")


def run_ours(binary, path, maximize, repeat):
    """Best solve_ms over `repeat` runs, and the JSON of the last run."""
    best, result = float("inf"), None
    command = [str(binary), "bench", "assign", "--input", str(path)]
    if maximize:
        command.append("--maximize")
    for _ in range(repeat):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): "
                               f"{done.stderr.strip()}")
        result = json.loads(done.stdout)
        best = min(best, result["solve_ms"])
    return best, result


def run_scipy(matrix, maximize, repeat):
    """Best time in ms of the scipy call alone over `repeat` runs, and the total."""
    best, total = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        rows, cols = linear_sum_assignment(matrix, maximize=maximize)
        best = min(best, (time.perf_counter() - started) * 1000)
        total = float(matrix[rows, cols].sum())
    return best, total


def agree(a, b):
    return a is not None and b is not None and abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def compare(binary, rows, cols, seed, repeat, maximize, directory):
    matrix = np.random.default_rng(seed).random((rows, cols))
    path = Path(directory) / f"assign_{rows}x{cols}.csv"
    write_csv(matrix, path)
    ours_ms, result = run_ours(binary, path, maximize, repeat)
    scipy_ms, scipy_total = run_scipy(matrix, maximize, repeat)
    ok = (agree(result["total"], scipy_total) and result["matched"] == min(rows, cols)
          and result["rows"] == rows and result["cols"] == cols)
    path.unlink()
    return ours_ms, scipy_ms, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(REPO_ROOT / ".build" / "release" / "alongside"),
                        help="the alongside binary (default: .build/release/alongside)")
    parser.add_argument("--sizes", nargs="+", type=parse_size, metavar="RxC",
                        default=[parse_size(size) for size in DEFAULT_SIZES])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--seed", type=int, default=2024, help="numpy seed (default 2024)")
    args = parser.parse_args()
    binary = Path(args.bin)
    if not binary.exists():
        sys.exit(f"no binary at {binary}: build it with `swift build -c release`")
    repeat = max(1, args.repeat)

    print(f"machine: {machine()}")
    print(f"binary:  {binary}")
    print(f"best of {repeat}, seed {args.seed}, minimise, uniform [0, 1) weights")
    header = f"{'size':>11}  {'ours ms':>10}  {'scipy ms':>10}  {'ratio':>6}  {'totals agree':>12}"
    print(header)
    print("-" * len(header))
    failures = 0
    with tempfile.TemporaryDirectory(prefix="bench_assign_") as directory:
        for index, (rows, cols) in enumerate(args.sizes):
            try:
                ours, theirs, ok = compare(binary, rows, cols, args.seed + index, repeat,
                                           False, directory)
            except (RuntimeError, ValueError, KeyError) as error:
                print(f"{rows}x{cols}: {error}", file=sys.stderr)
                failures += 1
                continue
            ratio = ours / theirs if theirs > 0 else float("inf")
            failures += 0 if ok else 1
            print(f"{f'{rows}x{cols}':>11}  {ours:>10.2f}  {theirs:>10.2f}  {ratio:>6.2f}  "
                  f"{'yes' if ok else 'NO':>12}", flush=True)
        # One maximise check, on the smallest size asked for.
        rows, cols = min(args.sizes, key=lambda size: size[0] * size[1])
        try:
            ours, theirs, ok = compare(binary, rows, cols, args.seed + 1000, 1, True, directory)
            print(f"maximise {rows}x{cols}: ours {ours:.2f} ms, scipy {theirs:.2f} ms, "
                  f"totals agree {'yes' if ok else 'NO'}")
            failures += 0 if ok else 1
        except (RuntimeError, ValueError, KeyError) as error:
            print(f"maximise {rows}x{cols}: {error}", file=sys.stderr)
            failures += 1
    if failures:
        print(f"{failures} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
