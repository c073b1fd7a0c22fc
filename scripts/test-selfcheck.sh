#!/usr/bin/env bash
# Checks of `make test` itself, run by scripts/test.sh after the test suite. Each check prints its
# outcome as an XCTest result line ("Test Case 'scripts.selfcheck.NAME' passed|failed"), so the
# tally counts it like a test:
#   - tally*: scripts/test-tally.sh on small made-up logs: all passed, a test both failed and
#     skipped (counts once, as failed), a crashed test process (still a summary, the crash is a
#     failure), no test at all, a failing status without a failed test;
#   - shadowedOracleFails: with a PATH entry that shadows `dcmdump` with `false`, a test that uses
#     dcmdump fails (not skips) under LIGHTBOX_REQUIRE_ORACLES=1, and the tally says so;
#   - missingOracleFails: with no dcmdump on PATH at all, the same test fails and is not skipped.
# The last two run one test of the built bundle (`swift build --build-tests` first).
# To reproduce the shadowed oracle on the whole suite by hand:
#   mkdir -p /tmp/shadow && ln -sf /bin/false /tmp/shadow/dcmdump && PATH=/tmp/shadow:$PATH make test
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lightbox-selfcheck.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

# One check: NAME, then a command; its output is shown, indented, when it fails.
check() {
  local name=$1; shift
  echo "Test Case 'scripts.selfcheck.$name' started"
  local out
  if out=$("$@" 2>&1); then
    echo "Test Case 'scripts.selfcheck.$name' passed (0.000 seconds)"
  else
    printf '%s\n' "$out" | sed 's/^/    /'
    echo "scripts/test-selfcheck.sh: error: scripts.selfcheck.$name : $name failed"
    echo "Test Case 'scripts.selfcheck.$name' failed (0.000 seconds)"
  fi
}

# expect_tally LOG STATUS "N passed, N failed, N skipped" EXIT [FAILED-LINE-PATTERN]
expect_tally() {
  local log=$1 status=$2 want=$3 want_exit=$4 pattern=${5:-}
  local out got_exit last
  out=$(bash scripts/test-tally.sh "$log" "$status"); got_exit=$?
  last=$(printf '%s\n' "$out" | tail -1)
  echo "$out"
  [ "$last" = "$want" ] || { echo "summary: got '$last', want '$want'"; return 1; }
  { [ "$want_exit" = 0 ] && [ "$got_exit" = 0 ]; } || { [ "$want_exit" != 0 ] && [ "$got_exit" != 0 ]; } \
    || { echo "exit status: got $got_exit, want $([ "$want_exit" = 0 ] && echo 0 || echo non-zero)"; return 1; }
  [ -z "$pattern" ] || printf '%s\n' "$out" | grep -qE "$pattern" || { echo "no line matching '$pattern'"; return 1; }
}

case_lines() {  # NAME RESULT: an XCTest start and result line
  echo "Test Case '$1' started at 2024-01-01 00:00:00.000"
  [ -z "$2" ] || echo "Test Case '$1' $2 (0.001 seconds)"
}

tally_all_passed() {
  { echo "Test Suite 'All tests' started at 2024-01-01 00:00:00.000"
    case_lines A.testOne passed; case_lines A.testTwo passed
    echo "Test Suite 'All tests' passed at 2024-01-01 00:00:01.000"
    echo "	 Executed 2 tests, with 0 failures (0 unexpected) in 0.002 (0.002) seconds"; } > "$WORK/passed.log"
  expect_tally "$WORK/passed.log" 0 "2 passed, 0 failed, 0 skipped" 0
}

tally_failed_and_skipped_counts_once() {
  # XCTFail, then throw XCTSkip: XCTest prints "failed" for the test but counts it among the
  # skipped tests of its summary too.
  { echo "Test Suite 'All tests' started at 2024-01-01 00:00:00.000"
    case_lines A.testOne passed
    echo "Test Case 'A.testBoth' started at 2024-01-01 00:00:00.000"
    echo "/x/A.swift:3: error: A.testBoth : failed - oracle missing"
    echo "/x/A.swift:4: A.testBoth : Test skipped - oracle missing"
    echo "Test Case 'A.testBoth' failed (0.001 seconds)"
    case_lines A.testSkip skipped
    echo "Test Suite 'All tests' failed at 2024-01-01 00:00:01.000"
    echo "	 Executed 3 tests, with 2 tests skipped and 1 failure (0 unexpected) in 0.002 (0.002) seconds"; } > "$WORK/both.log"
  expect_tally "$WORK/both.log" 1 "1 passed, 1 failed, 1 skipped" 1 "^FAILED: A.testBoth$"
}

tally_crash_still_prints_a_summary() {
  { echo "Test Suite 'All tests' started at 2024-01-01 00:00:00.000"
    case_lines A.testOne passed; case_lines A.testTwo failed; case_lines A.testSkip skipped
    case_lines A.testCrash ""
    echo "Fatal error: Index out of range"; } > "$WORK/crash.log"
  expect_tally "$WORK/crash.log" 132 "1 passed, 2 failed, 1 skipped" 1 "^FAILED: A.testCrash \(crashed"
}

tally_nothing_ran_fails() {
  echo "error: no tests found; create a target in the 'Tests' directory" > "$WORK/empty.log"
  expect_tally "$WORK/empty.log" 0 "0 passed, 1 failed, 0 skipped" 1 "^FAILED: no test ran"
}

tally_bad_status_without_failed_test_fails() {
  { echo "Test Suite 'All tests' started at 2024-01-01 00:00:00.000"
    case_lines A.testOne passed
    echo "Test Suite 'All tests' passed at 2024-01-01 00:00:01.000"
    echo "	 Executed 1 test, with 0 failures (0 unexpected) in 0.002 (0.002) seconds"; } > "$WORK/status.log"
  expect_tally "$WORK/status.log" 1 "1 passed, 1 failed, 0 skipped" 1 "exited with status 1"
}

# The test bundle and one test that runs dcmdump (Oracles.require, then asserts its status).
BIN=$($SWIFT build --show-bin-path 2>/dev/null)
BUNDLE="$BIN/LightboxPackageTests.xctest"
DCMDUMP_TEST=ConformanceTests.CharacterSetConformanceTests/testChineseNamesWrittenByLightboxDecodeInPydicomAndDcmdump

# Runs DCMDUMP_TEST with PATH=$1 and LIGHTBOX_REQUIRE_ORACLES=1; it must fail, not skip.
oracle_broken_fails() {
  local path=$1 log=$WORK/oracle-$RANDOM.log status
  [ -x "$BUNDLE" ] || { echo "no test bundle at $BUNDLE (run swift build --build-tests)"; return 1; }
  env PATH="$path" LIGHTBOX_REQUIRE_ORACLES=1 "$BUNDLE" "$DCMDUMP_TEST" > "$log" 2>&1; status=$?
  grep -E "error:|Test Case" "$log" | head -20
  [ "$status" != 0 ] || { echo "the test bundle exited 0 with dcmdump broken"; return 1; }
  expect_tally "$log" "$status" "0 passed, 1 failed, 0 skipped" 1 "^FAILED: .*testChineseNames"
}

shadowed_oracle_fails() {
  mkdir -p "$WORK/shadow"
  ln -sf "$(type -P false)" "$WORK/shadow/dcmdump"
  oracle_broken_fails "$WORK/shadow:$PATH"
}

missing_oracle_fails() {
  # A PATH with only the tools the test needs besides dcmdump: none (it runs the venv's Python
  # by its full path), so an empty folder.
  mkdir -p "$WORK/empty"
  oracle_broken_fails "$WORK/empty"
}

check tallyAllPassed tally_all_passed
check tallyFailedAndSkippedCountsOnce tally_failed_and_skipped_counts_once
check tallyCrashStillPrintsASummary tally_crash_still_prints_a_summary
check tallyNothingRanFails tally_nothing_ran_fails
check tallyBadStatusWithoutFailedTestFails tally_bad_status_without_failed_test_fails
check shadowedOracleFails shadowed_oracle_fails
check missingOracleFails missing_oracle_fails
