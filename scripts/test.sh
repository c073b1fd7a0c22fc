#!/usr/bin/env bash
# `make test`: build and run every test with the oracles required (LIGHTBOX_REQUIRE_ORACLES=1: a
# missing or broken reference tool fails a test, it never skips it), then the checks of this
# script itself (scripts/test-selfcheck.sh), keep a log, and end with one summary line,
# "N passed, N failed, N skipped", counted test by test by scripts/test-tally.sh: a test that
# failed and skipped counts once, as failed; a crashed test process still gets a summary, with the
# test it died in counted as failed. The exit status is non-zero exactly when the summary shows a
# failure (any failed test, a crash, no test run, or a failing status of the test process).
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
LOG=.build/test.log
mkdir -p .build
if ! $SWIFT build --build-tests; then
  echo
  echo "FAILED: swift build --build-tests"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
LIGHTBOX_REQUIRE_ORACLES=1 $SWIFT test --skip-build 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
SWIFT=$SWIFT bash scripts/test-selfcheck.sh 2>&1 | tee -a "$LOG"
echo
bash scripts/test-tally.sh "$LOG" "$status"
