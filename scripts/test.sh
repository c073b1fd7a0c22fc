#!/usr/bin/env bash
# `make test`: build and run every test with the oracles required, keep a log, and end with one
# summary line ("N passed, N failed, N skipped") taken from XCTest's own count.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-swift}
LOG=.build/test.log
mkdir -p .build
$SWIFT build --build-tests || exit 1
LIGHTBOX_REQUIRE_ORACLES=1 $SWIFT test --skip-build 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
summary=$(grep -E "^Test Suite 'All tests' (passed|failed)" -A1 "$LOG" | grep -E "Executed [0-9]+ tests?" | tail -1)
total=$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$summary")
failed=$(sed -E 's/.*with ([0-9]+) failures?.*/\1/' <<<"$summary")
skipped=$(grep -oE "with ([0-9]+) tests? skipped" <<<"$summary" | grep -oE "[0-9]+" || echo 0)
failing_cases=$(grep -cE "^Test Case '.*' failed" "$LOG")
if [ -n "$total" ]; then
  echo
  grep -E "^Test Case '.*' failed" "$LOG" | sed -E "s/^Test Case '(.*)' failed.*/FAILED: \1/" | sort -u
  echo "$((total - failing_cases - ${skipped:-0})) passed, $failing_cases failed, ${skipped:-0} skipped"
fi
exit "$status"
