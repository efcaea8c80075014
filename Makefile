# The two commands of the README's quick start, and their parts.
#
#   make serve   build the page and serve it at http://127.0.0.1:8080
#   make test    every check: format, lints, native tests, the page build,
#                and the wasm tests in headless Chrome
#
# Both install what they need the first time (scripts/tools.sh).

SHELL := bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

.PHONY: serve test tools-serve tools-test lint test-native build-page test-wasm bench

serve: tools-serve
	trunk serve

test: tools-test lint test-native build-page test-wasm
	@echo "make test: all checks passed"

tools-serve:
	@scripts/tools.sh serve

tools-test:
	@scripts/tools.sh test

lint:
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --tests --target wasm32-unknown-unknown --no-default-features -- -D warnings

test-native:
	cargo test

build-page:
	trunk build --release

test-wasm:
	wasm-pack test --headless --chrome -- --no-default-features

bench:
	cargo bench --bench optimizers
