# Two commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps test-deps lint unit e2e package package-check cargo-deb bench fuzz soak

# cargo's target folder (CARGO_TARGET_DIR when set): where the packages are written.
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Pinned: the package check packages the debug binaries (`--profile dev`), which later
# cargo-deb releases announce they will refuse.
CARGO_DEB_VERSION := 3.8.0

## Install what is missing, build, and start the app on its default database.
run: deps
	cargo build -p sportello-app
	./target/debug/sportello-app

## Install what the tests need and run every test, clippy, fmt, the package check and
## the end-to-end test.
test: test-deps lint unit package-check e2e

deps:
	@scripts/install-deps.sh run

test-deps:
	@scripts/install-deps.sh test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

unit:
	cargo test --workspace
	node --test ui/tests/*.test.js

## The real app under Xvfb, driven over WebDriver: the register, two desks syncing
## through export files, an appointment booked from an access with its slip as PDF,
## an accompaniment case from opening to archive, and axe-core (npm, tests only:
## tests/e2e/axe) over every view in both languages at 100% and 200% zoom.
## Each scenario gets a temporary database and fresh XDG folders; screenshots go to
## target/e2e/. One scenario at a time: they share the display. Installs what is missing.
e2e: test-deps
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
	@test -f tests/e2e/axe/node_modules/axe-core/axe.min.js \
		|| npm ci --prefix tests/e2e/axe --no-audit --no-fund
	cargo test --workspace --no-run
	xvfb-run -a --server-args="-screen 0 1366x768x24" \
		cargo test --workspace --test app -- --ignored --nocapture --test-threads=1

## The Debian package of the app and the command line, from a release build:
## target/package/sportello_<version>-1_amd64.deb ("Install on a desk PC" in README).
## Installs what is missing, cargo-deb included.
package: deps cargo-deb
	cargo build --release -p sportello -p sportello-app
	cargo deb -p sportello-app --no-build --locked -o $(TARGET_DIR)/package/

## Checks the package as `make package` makes it, without a release build: the debug
## binaries the tests already use (`cargo test --workspace --no-run` builds nothing after
## `unit`, and on its own builds them with the tests' features, so nothing compiles twice)
## go into target/package-check/sportello.deb (`--fast`: xz's quick preset, a few seconds
## instead of a minute), which tests/integration/package.rs reads with dpkg-deb: its
## files, dependencies, menu entry and icons, and the packaged `sportello` running.
package-check: test-deps cargo-deb
	cargo test --workspace --no-run
	cargo deb -p sportello-app --no-build --locked --profile dev --fast \
		-o $(TARGET_DIR)/package-check/sportello.deb
	SPORTELLO_DEB=$(abspath $(TARGET_DIR))/package-check/sportello.deb \
		cargo test --workspace --test integration package:: -- --ignored

cargo-deb:
	@cargo deb --version 2>/dev/null | grep -qxF 'cargo-deb $(CARGO_DEB_VERSION)' \
		|| cargo install cargo-deb --version $(CARGO_DEB_VERSION) --locked

## Crash safety at length (not part of `make test`, which runs 12 kills): writer
## processes saving accesses, importing export files and purging cases are killed with
## SIGKILL SOAK_KILLS times at random moments; after each kill the database must pass
## SQLite's integrity check and hold every save the writer acknowledged
## (tests/integration/crash.rs). A failure prints the seed: SPORTELLO_CRASH_SEED=N
## replays it. About seven minutes for 1,000 kills.
SOAK_KILLS ?= 1000
soak:
	SPORTELLO_CRASH_KILLS=$(SOAK_KILLS) cargo test --workspace --test integration \
		crash::killed_writers_lose_no_acknowledged_save -- --exact --nocapture

## Speed is measured here, never in timed tests.
bench:
	cargo bench -p sportello

## Fuzz the parsers for a bounded time each (not part of `make test`): the import file,
## the receipt, the ISTAT CSVs of the context tables and sealed values. Needs the nightly toolchain
## and cargo-fuzz, installed here when missing.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= import_parser age_import receipt_parser context_csv sealed
fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t && \
		cargo +nightly fuzz run $$t fuzz/corpus/$$t fuzz/seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
