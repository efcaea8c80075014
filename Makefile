# The two commands of the README's quick start, and their parts.
#
#   make serve   build the page and serve it at http://127.0.0.1:8080
#   make test    every check: format, lints, native tests, the page build,
#                the wasm tests in headless Chrome, and the end-to-end tests
#                of the built page in headless Chromium
#   make bench   criterion: optimizer steps per second
#   make bench-page  the page's timing harness (load, slider, surface and its plain-JS peer, basins, network, relief, GIF, payload)
#   make lighthouse  Lighthouse scores of the built page (three runs)
#
# Both install what they need the first time (scripts/tools.sh).

SHELL := bash
# cargo-installed tools, and binaryen's wasm-opt from e2e/node_modules for Trunk.
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/e2e/node_modules/.bin:$(PATH)

.PHONY: serve test tools-serve tools-test lint test-native build-page test-wasm test-e2e bench bench-page lighthouse

serve: tools-serve
	trunk serve

test: tools-test lint test-native build-page test-wasm test-e2e
	@echo "make test: all checks passed"

tools-serve:
	@scripts/tools.sh serve

tools-test:
	@scripts/tools.sh test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy --workspace --lib --tests --target wasm32-unknown-unknown --no-default-features -- -D warnings

test-native:
	cargo test --workspace

build-page:
	trunk build --release

test-wasm:
	wasm-pack test --headless --chrome -- --no-default-features

test-e2e:
	cd e2e && npm test

bench:
	cargo bench --bench optimizers

bench-page: tools-test build-page
	cd e2e && npm run bench

lighthouse: tools-test build-page
	cd e2e && node lighthouse.mjs
