#!/usr/bin/env python3
"""Runs a command, waits for it, and prints what it cost as JSON on the last line of stdout:
{"exit": status (negative: killed by that signal), "seconds": wall time,
 "maxrss_kib": peak resident set size of the child (getrusage RUSAGE_CHILDREN, KiB on Linux),
 "timed_out": true when it had to be killed}.

Usage: measure_child.py [--timeout S] [--stdout FILE] [--stderr FILE] -- COMMAND ARGS...
The child's stdout and stderr go to the files given (default: discarded), so its output cannot
be confused with this JSON.
"""
import json
import resource
import subprocess
import sys
import time


def main(argv):
    timeout, out, err = 300.0, None, None
    while argv and argv[0] != "--":
        flag, value, argv = argv[0], argv[1], argv[2:]
        if flag == "--timeout":
            timeout = float(value)
        elif flag == "--stdout":
            out = value
        elif flag == "--stderr":
            err = value
        else:
            sys.exit("unknown option " + flag)
    command = argv[1:]
    if not command:
        sys.exit("no command after --")
    fo = open(out, "wb") if out else subprocess.DEVNULL
    fe = open(err, "wb") if err else subprocess.DEVNULL
    start = time.monotonic()
    child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe)
    timed_out = False
    try:
        status = child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        child.kill()
        status = child.wait()
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"exit": status, "seconds": round(seconds, 3), "maxrss_kib": usage.ru_maxrss,
                      "timed_out": timed_out}))


if __name__ == "__main__":
    main(sys.argv[1:])
