#!/usr/bin/env python3
"""Round-robin timing of whole processes: run i of every command before run i+1 of any, so that a machine
whose load drifts (shared CI, other builds) biases no command. Reports wall time and the child's own CPU time
(user+sys from wait4), which contention barely moves.

Usage: interleaved.py RUNS WARMUP NAME=COMMAND [NAME=COMMAND ...]   (COMMAND split on spaces; no quoting)
"""
import os
import statistics
import subprocess
import sys
import time

runs, warmup = int(sys.argv[1]), int(sys.argv[2])
benchmarks = [arg.split("=", 1) for arg in sys.argv[3:]]
wall = {name: [] for name, _ in benchmarks}
cpu = {name: [] for name, _ in benchmarks}
for i in range(warmup + runs):
    for name, command in benchmarks:
        start = time.perf_counter()
        child = subprocess.Popen(command.split(" "), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"{name} failed (exit {os.waitstatus_to_exitcode(status)}): {command}")
        if i >= warmup:
            wall[name].append(elapsed * 1e3)
            cpu[name].append((usage.ru_utime + usage.ru_stime) * 1e3)

print(f"| Run ({runs} interleaved runs after {warmup} warm-up) | wall median (ms) | wall min (ms) "
      "| wall mean ± σ (ms) | CPU user+sys median (ms) |")
print("|:---|---:|---:|---:|---:|")
for name, _ in benchmarks:
    w, c = wall[name], cpu[name]
    print(f"| {name} | {statistics.median(w):.0f} | {min(w):.0f} | {statistics.mean(w):.0f} ± "
          f"{statistics.stdev(w):.0f} | {statistics.median(c):.0f} |")
