# Lightbox — quick start on a fresh Debian 12 machine:
#   make demo    install what is missing, build, run the main jobs on generated sample data
#   make test    install what is missing, build, run every test (oracles required)
#   make bench   side-by-side timings against the reference tools -> docs/performance.md
#   make fuzz    run the fuzz targets for a bounded time (FUZZ_SECONDS, default 60 each)

SWIFT        ?= swift
DEMO_DIR     ?= .build/demo
FUZZ_SECONDS ?= 60
RELEASE_BIN  := .build/release/lightbox

.PHONY: all deps build release test demo bench fuzz clean dictionary

all: build

deps:
	@bash scripts/install-deps.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product lightbox

# Every test: unit tests of each module and the conformance tests that drive DCMTK, dicom3tools
# and pydicom. A missing oracle is a failure here (LIGHTBOX_REQUIRE_ORACLES=1), not a skip.
test: deps
	@SWIFT=$(SWIFT) bash scripts/test.sh

demo: release
	@bash scripts/demo.sh $(RELEASE_BIN) $(DEMO_DIR)

bench: release
	@bash scripts/bench.sh $(RELEASE_BIN)

fuzz: deps
	@bash scripts/fuzz.sh all $(FUZZ_SECONDS)

# Regenerate the data dictionary and UID registry from the pydicom wheel in the venv.
dictionary: deps
	.build/venv/bin/python scripts/generate-dictionary.py

clean:
	rm -rf .build .build-* fuzz-artifacts
