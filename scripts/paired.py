#!/usr/bin/env python3
"""Paired, alternating timing: the one primitive behind every ratio in docs/performance.md.

    paired.py run [--rounds N] [--warmup N] [--prepare CMD] [--metric wall|stdout]
                  [--reference NAME] --json OUT
                  -n NAME [-p PREPARE] COMMAND  -n NAME [-p PREPARE] COMMAND  ...
    paired.py table OUT            markdown rows: | NAME | median s | min s | median ratio |

`run` runs the commands in strict alternation, A B A B … (A B C A B C … for three), for N
rounds after W unmeasured warm-up rounds. Each run comes right after its prepare command (the
command's own -p, else --prepare; e.g. `rm -rf OUT && sync`, so no run pays for writing back
the previous run's output), which is not timed. Commands run through `bash -c`; the median time
of `bash -c :` is subtracted, as hyperfine does.

The metric is wall-clock seconds by default. With --metric stdout each command times its own
inner loop and prints `seconds=X` (the last such token counts); its last stdout is kept in the
JSON as `stdout` (for frame counts, checksums…).

For every command the JSON holds its times, median, min, mean and standard deviation, and the
ratio to the reference (the first command unless --reference) taken pair by pair — round i of
the command over round i of the reference — with the median, min and max of those per-round
ratios. The median per-pair ratio is the number to quote: drift in machine load hits both members
of a pair alike.
"""
import json
import re
import statistics
import subprocess
import sys
import time


def usage(msg):
    sys.exit(f"paired.py: {msg}\n\n{__doc__}")


def parse_run(argv):
    opts = {"rounds": 5, "warmup": 1, "prepare": None, "metric": "wall", "reference": None, "json": None}
    cmds = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--rounds", "--warmup"):
            opts[a[2:]] = int(argv[i + 1]); i += 2
        elif a in ("--prepare", "--metric", "--reference", "--json"):
            opts[a[2:]] = argv[i + 1]; i += 2
        elif a == "-n":
            name = argv[i + 1]; i += 2
            prep = None
            if i < len(argv) and argv[i] == "-p":
                prep = argv[i + 1]; i += 2
            if i >= len(argv):
                usage(f"no command after -n {name}")
            cmds.append({"name": name, "prepare": prep, "command": argv[i]}); i += 1
        else:
            usage(f"unexpected argument {a!r}")
    if not cmds:
        usage("no commands")
    if opts["metric"] not in ("wall", "stdout"):
        usage("--metric is wall or stdout")
    if opts["rounds"] < 1:
        usage("--rounds must be at least 1")
    if len({c["name"] for c in cmds}) != len(cmds):
        usage("command names must differ")
    return opts, cmds


def shell(cmd, capture):
    return subprocess.run(["bash", "-c", cmd], stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)


def shell_overhead():
    ts = []
    for _ in range(15):
        t = time.perf_counter(); shell(":", False); ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def once(c, opts, overhead):
    prep = c["prepare"] if c["prepare"] is not None else opts["prepare"]
    if prep:
        p = shell(prep, False)
        if p.returncode:
            sys.exit(f"paired.py: prepare of {c['name']!r} failed ({p.returncode}): {prep}\n{p.stderr}")
    capture = opts["metric"] == "stdout"
    t = time.perf_counter()
    p = shell(c["command"], capture)
    wall = time.perf_counter() - t
    if p.returncode:
        sys.exit(f"paired.py: {c['name']!r} failed ({p.returncode}): {c['command']}\n{p.stderr}")
    if not capture:
        return max(wall - overhead, 1e-9), None
    found = re.findall(r"seconds=([0-9.eE+-]+)", p.stdout)
    if not found:
        sys.exit(f"paired.py: {c['name']!r} printed no seconds=X: {c['command']}\n{p.stdout}")
    return float(found[-1]), p.stdout


def run(argv):
    opts, cmds = parse_run(argv)
    ref = opts["reference"] or cmds[0]["name"]
    if ref not in [c["name"] for c in cmds]:
        usage(f"reference {ref!r} is not a command name")
    overhead = shell_overhead() if opts["metric"] == "wall" else 0.0
    times = {c["name"]: [] for c in cmds}
    out = {}
    for r in range(opts["warmup"] + opts["rounds"]):
        for c in cmds:  # strict alternation: A B A B …
            t, stdout = once(c, opts, overhead)
            if r >= opts["warmup"]:
                times[c["name"]].append(t)
                out[c["name"]] = stdout
        if r >= opts["warmup"]:
            print(f"paired: round {r - opts['warmup'] + 1}/{opts['rounds']}: "
                  + ", ".join(f"{n} {v[-1]:.3f}s" for n, v in times.items()), file=sys.stderr)
    results = []
    for c in cmds:
        t = times[c["name"]]
        ratios = [a / b for a, b in zip(t, times[ref])]
        res = {"name": c["name"], "command": c["command"], "prepare": c["prepare"] or opts["prepare"],
               "times": t, "median": statistics.median(t), "min": min(t), "mean": statistics.fmean(t),
               "stdev": statistics.stdev(t) if len(t) > 1 else 0.0,
               "ratio": {"median": statistics.median(ratios), "min": min(ratios), "max": max(ratios), "per_round": ratios}}
        if out.get(c["name"]) is not None:
            res["stdout"] = out[c["name"]]
        results.append(res)
    doc = {"rounds": opts["rounds"], "warmup": opts["warmup"], "order": "alternating, A B A B …",
           "metric": opts["metric"], "shell_overhead_s": overhead, "reference": ref, "results": results}
    text = json.dumps(doc, indent=1)
    if opts["json"]:
        with open(opts["json"], "w") as f:
            f.write(text + "\n")
    else:
        print(text)


def table(argv):
    if len(argv) != 1:
        usage("table takes one JSON file")
    doc = json.load(open(argv[0]))
    for r in doc["results"]:
        print(f"| {r['name']} | {r['median']:.3f} | {r['min']:.3f} | {r['ratio']['median']:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "table"):
        usage("first argument is run or table")
    (run if sys.argv[1] == "run" else table)(sys.argv[2:])
