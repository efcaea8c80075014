#!/usr/bin/env bash
# Installs what `make serve` and `make test` need when it is missing, and says
# exactly what to install by hand when it cannot.
#
#   scripts/tools.sh serve   wasm32 target, wasm-bindgen-cli (= Cargo.lock), trunk,
#                            and Node.js with e2e/'s npm packages (binaryen's wasm-opt,
#                            esbuild, TypeScript)
#   scripts/tools.sh test    the above, plus wasm-pack, Chromium and ChromeDriver
#
# Each tool is installed once; a tool already present at the right version is kept.
set -euo pipefail

TRUNK_VERSION=0.21.14
WASM_PACK_VERSION=0.15.1

cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m[tools]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[tools]\033[0m %s\n' "$*" >&2; exit 1; }

need_cargo() {
  command -v cargo >/dev/null || die "cargo is not on PATH: install Rust with rustup (https://rustup.rs), then re-run."
  command -v rustup >/dev/null || die "rustup is not on PATH: the wasm32 target is installed with rustup (https://rustup.rs)."
}

wasm_target() {
  # rust-toolchain.toml names the target; this makes sure it is there.
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen version the build uses, from Cargo.lock (generating it if needed).
bindgen_version() {
  [ -f Cargo.lock ] || cargo generate-lockfile >/dev/null
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

wasm_bindgen_cli() {
  local want have
  want=$(bindgen_version)
  [ -n "$want" ] || die "could not read the wasm-bindgen version from Cargo.lock"
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes once"
    # Not --locked: one of its locked dependency versions is not on every registry mirror.
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

trunk_cli() {
  local have
  have=$(trunk --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (found: ${have:-none}); this takes several minutes once"
    # --locked: unlocked, newer dependencies fail to build with this trunk.
    cargo install trunk --version "$TRUNK_VERSION" --locked --force
  fi
}

wasm_pack() {
  local have
  have=$(wasm-pack --version 2>/dev/null | awk '{print $2}' || true)
  if [ -z "$have" ]; then
    say "installing wasm-pack $WASM_PACK_VERSION; this takes a few minutes once"
    cargo install wasm-pack --version "$WASM_PACK_VERSION"
  fi
}

apt_install() {
  # apt_install WHAT PACKAGE...: installs Debian packages, or says how.
  local what=$1; shift
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo="sudo"
    else
      die "$what needed. Install it (Debian/Ubuntu: 'sudo apt-get install $*'), then re-run."
    fi
  fi
  command -v apt-get >/dev/null ||
    die "$what needed, and this system has no apt-get: install it with your package manager, then re-run."
  say "installing $* with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

node_packages() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    apt_install "Node.js and npm are" nodejs npm
  fi
  # e2e/package-lock.json pins playwright-core (drives Debian's Chromium),
  # binaryen (wasm-opt for release builds), esbuild (bundles the page's JS),
  # TypeScript (tsc checks the page's JS) and d3-contour with
  # d3-scale-chromatic (the benchmark's plain-JS peer).
  if [ ! -x e2e/node_modules/.bin/wasm-opt ] || [ ! -d e2e/node_modules/playwright-core ] ||
     [ ! -x e2e/node_modules/.bin/esbuild ] || [ ! -x e2e/node_modules/.bin/tsc ] ||
     [ e2e/package-lock.json -nt e2e/node_modules/.package-lock.json ]; then
    say "installing e2e/'s npm packages"
    (cd e2e && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

chromium() {
  if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    return
  fi
  apt_install "Chromium and ChromeDriver are" chromium chromium-driver
  command -v chromedriver >/dev/null || die "apt-get installed chromium-driver but chromedriver is not on PATH"
}

case "${1:-}" in
  serve)
    need_cargo; wasm_target; wasm_bindgen_cli; trunk_cli; node_packages ;;
  test)
    need_cargo; wasm_target; wasm_bindgen_cli; trunk_cli; node_packages; wasm_pack; chromium ;;
  *)
    die "usage: scripts/tools.sh serve|test" ;;
esac
