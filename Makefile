# Two commands on a fresh Debian/Ubuntu machine: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: run test deps test-deps lint unit e2e bench fuzz

## Install what is missing, build, and start the app on its default database.
run: deps
	cargo build -p sportello-app
	./target/debug/sportello-app

## Install what the tests need and run every test, clippy, fmt and the end-to-end test.
test: test-deps lint unit e2e

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
## an accompaniment case from opening to archive.
## Each scenario gets a temporary database and fresh XDG folders; screenshots go to
## target/e2e/. One scenario at a time: they share the display. Installs what is missing.
e2e: test-deps
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
	cargo test --workspace --no-run
	xvfb-run -a --server-args="-screen 0 1366x768x24" \
		cargo test --workspace --test app -- --ignored --nocapture --test-threads=1

## Speed is measured here, never in timed tests.
bench:
	cargo bench -p sportello

## Fuzz the parsers for a bounded time each (not part of `make test`): the import file,
## the receipt and the ISTAT CSVs of the context tables. Needs the nightly toolchain
## and cargo-fuzz, installed here when missing.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= import_parser receipt_parser context_csv
fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t && \
		cargo +nightly fuzz run $$t fuzz/corpus/$$t fuzz/seeds/$$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done
