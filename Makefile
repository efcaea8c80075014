# The two commands of the README's quick start, and their parts.
#
#   make serve   build the page and serve it at http://127.0.0.1:8080
#   make test    every check: format, lints, native tests, the page build,
#                the page's script type-checked, the wasm tests in headless
#                Chrome, and the end-to-end tests of the built page in
#                headless Chromium
#   make bench   criterion: optimizer steps per second
#   make bench-page  the page's timing harness (load, slider, surface and its plain-JS peer, basins, network, relief, GIF, figure, limits, payload)
#   make lighthouse  Lighthouse scores of the built page (three runs)
#
# Both install what they need the first time (scripts/tools.sh).

SHELL := bash
# cargo-installed tools, and e2e/node_modules' binaries (binaryen's wasm-opt for Trunk, tsc).
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/e2e/node_modules/.bin:$(PATH)

.PHONY: serve test tools-serve tools-test lint test-native build-page check-js test-wasm test-e2e bench bench-page lighthouse

serve: tools-serve
	trunk serve

test: tools-test lint test-native build-page check-js test-wasm test-e2e
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

# The page's script (www/, JSDoc types) checked by tsc against the
# TypeScript declarations of its two WebAssembly modules, which wasm-bindgen
# writes (into target/) from what build-page compiled (the main module under
# the page profile, the figures' under release); the worker with a
# worker's library.
check-js:
	wasm-bindgen --target web --typescript --out-dir target/page-types target/wasm32-unknown-unknown/page/optiviz.wasm
	wasm-bindgen --target web --typescript --out-dir target/page-types target/wasm32-unknown-unknown/release/optiviz_figures.wasm
	tsc --noEmit -p www
	tsc --noEmit -p www/tsconfig.worker.json

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
