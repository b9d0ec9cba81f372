# varreport: `make demo` and `make test` do all the set-up on a fresh Debian machine with Swift.

SWIFT        ?= swift
# System packages the build and the tests need (Debian names): librsvg2-bin and chromium are for the
# tests only (the SVG backend against cairo's pixels; the HTML report's script in a real browser).
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config fonts-dejavu-core fonts-wqy-microhei poppler-utils librsvg2-bin chromium
RELEASE_BIN  := .build/release/varreport

.PHONY: all deps build release demo test test-cluster bench fuzz fuzz-smoke clean examples templates

all: build

# Installs whatever of APT_PACKAGES is missing (as root, or through sudo when there is one).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "Swift is not on PATH (see README.md)"; exit 2; }

build: deps
	$(SWIFT) build

# The Swift runtime and Foundation linked in: the binary runs where Swift is not installed, starts
# faster and maps less memory (a 10k-point plot peaks about 6 MB lower; docs/PERFORMANCE.md).
# Linked by the toolchain's lld with packed relative relocations (glibc 2.36+): the loader no longer
# reads 1.9 MB of relocation records at every start (1.5 MB less resident), and the binary stays
# position-independent.
RELEASE_FLAGS := --static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
release: deps
	$(SWIFT) build -c release --product varreport $(RELEASE_FLAGS)

demo: release
	$(RELEASE_BIN) report Examples/var-d16 -o demo-report

test: deps
	$(SWIFT) test

# docs/CLUSTER.md's Slurm recipe (shard array, afterany merge, a cancelled task) on a one-node cluster it starts.
test-cluster: build
	bash scripts/test_cluster.sh

# Regenerates the bundled example run (needs Python with numpy and tensorboardX; its output is committed).
examples:
	python3 scripts/make_example_run.py Examples/var-d16 --seed 25 \
	  --answers Examples/var-d16.answers.json --readme Examples/README.md
	python3 scripts/make_fixtures.py
	python3 scripts/make_diagnosis_runs.py
	python3 scripts/make_family_runs.py

# Speed and memory against the targets and the anchors (docs/PERFORMANCE.md); never part of `make test`.
# BENCH_QUICK=1: small cases only; BENCH_ANCHORS=1: also run EventAccumulator and tbparse (minutes each).
bench: release
	bash scripts/bench/run.sh

# libFuzzer targets, one per reader (Fuzz/README.md): 10 minutes each; the smoke run is 30 s each.
fuzz:
	bash scripts/fuzz.sh 600

fuzz-smoke:
	FUZZ_PARALLEL=2 bash scripts/fuzz.sh 30

clean:
	rm -rf .build .build-fuzz demo-report bench-out

# Re-embeds templates/*.mustache into the binary (Sources/Report/DefaultTemplates.swift).
templates:
	python3 scripts/embed_templates.py
