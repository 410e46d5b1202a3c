#!/usr/bin/env bash
# Installs what this project needs on Debian 12 (with Rust and Node already present) and is a
# no-op when everything is there. Sourced by demo.sh and test-all.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CACHE_DIR="${XP_CACHE_DIR:-$HOME/.cache/xero-partner}"
# Build output lives outside the clone so a fresh clone reuses it (CI runs in a new clone each time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE_DIR/target}"
export TOOLS_DIR="$CACHE_DIR/tools"
export PATH="$TOOLS_DIR/bin:$HOME/.cargo/bin:$PATH"
# Line tables only: full debug info doubles the target dir and the link time (PLATFORM.md).
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

APT_PACKAGES=(build-essential pkg-config file curl libssl-dev libwebkit2gtk-4.1-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libdbus-1-dev xvfb xauth webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools
  xdg-utils desktop-file-utils libglib2.0-bin fonts-dejavu-core)

step() { printf '\n==> %s\n' "$*"; }

install_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "apt: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_cargo_tools() {
  if ! cargo nextest --version >/dev/null 2>&1; then
    step "cargo: installing cargo-nextest"
    cargo install cargo-nextest --locked --root "$TOOLS_DIR"
  fi
  # tauri-driver 3.x alphas are on crates.io; the Tauri 2 line is ^2 (PLATFORM.md).
  if ! "$TOOLS_DIR/bin/tauri-driver" --help >/dev/null 2>&1; then
    step "cargo: installing tauri-driver ^2"
    cargo install tauri-driver --version '^2' --locked --root "$TOOLS_DIR"
  fi
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
}

install_npm() {
  step "npm: installing UI dependencies from the lock"
  # `npm ci` fails on Tailwind's platform packages missing from the lock; `npm install` honours it.
  (cd "$ROOT/ui" && npm install --no-audit --no-fund --loglevel=error)
}

install_apt
install_cargo_tools
install_npm
