#!/usr/bin/env bash
# Usage: test-tally.sh LOG STATUS
# The honest count of an XCTest run, from the log of `swift test` (or of a test bundle) and the
# exit status of the process that wrote it. Prints one FAILED line per failed test, then, alone on
# the last line, "N passed, N failed, N skipped"; exits 0 only when nothing failed.
#
# - Each test counts once, by its own result line ("Test Case 'X' passed|failed|skipped"). A test
#   that recorded a failure and then threw XCTSkip prints "failed" and counts as failed only (the
#   XCTest summary would count it as skipped as well).
# - A test that started and has no result line is where the test process died (a crash or a
#   signal): it counts as failed, named, and the summary is printed all the same.
# - Lines "Test Case 'scripts.…'" are checks of these scripts (scripts/test-selfcheck.sh), counted
#   like tests.
# - Nothing ran, a non-zero status with no failed test, or XCTest's own count of executed tests
#   differing from the tests seen here: each is one more failure, so that the tally and the exit
#   status always agree.
set -uo pipefail
LOG=$1
STATUS=${2:-0}

awk -v status="$STATUS" '
  function name_of(line) { sub(/^Test Case \047/, "", line); sub(/\047 (started|passed|failed|skipped).*$/, "", line); return line }
  /^Test Case \047.*\047 started/ { n = name_of($0); started[n] = 1; last = n; if (!(n in seen)) { seen[n] = 1; order[++count] = n }; next }
  /^Test Case \047.*\047 (passed|failed|skipped) \(/ {
    n = name_of($0); r = $0; sub(/^Test Case \047.*\047 /, "", r); sub(/ .*/, "", r)
    if (!(n in seen)) { seen[n] = 1; order[++count] = n }
    # A test reported more than once (repeated runs) counts by its worst result.
    if (r == "failed" || !(n in result)) result[n] = r
    else if (r == "skipped" && result[n] == "passed") result[n] = r
    if (substr(n, 1, 8) != "scripts.") xctestResults++
    next
  }
  /^Test Suite \047(All tests|Selected tests)\047 (passed|failed)/ { suiteEnded = 1; next }
  suiteEnded == 1 && /Executed [0-9]+ tests?/ {
    match($0, /Executed [0-9]+/); executed = substr($0, RSTART + 9, RLENGTH - 9) + 0; haveExecuted = 1; suiteEnded = 2
  }
  END {
    passed = 0; failed = 0; skipped = 0
    for (i = 1; i <= count; i++) {
      n = order[i]
      if (!(n in result)) {
        failed++
        print "FAILED: " n " (crashed: it started and never finished; the test process died here, exit status " status ")"
        crashed = 1
        continue
      }
      if (result[n] == "failed") { failed++; print "FAILED: " n }
      else if (result[n] == "skipped") skipped++
      else passed++
    }
    if (count == 0) { failed++; print "FAILED: no test ran (exit status " status ")" }
    if (haveExecuted && executed != xctestResults) {
      failed++; print "FAILED: XCTest reports " executed " tests executed, the log shows results for " xctestResults
    }
    if (status != 0 && failed == 0) { failed++; print "FAILED: the test process exited with status " status " and no test failed" }
    if (!haveExecuted && !crashed && count > 0 && xctestResults > 0) {
      failed++; print "FAILED: the test process printed no summary (exit status " status ")"
    }
    print passed " passed, " failed " failed, " skipped " skipped"
    exit failed > 0 ? 1 : 0
  }
' "$LOG"
