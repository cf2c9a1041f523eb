#!/usr/bin/env bash
# The whole suite, as CI runs it: installs what it needs, builds, and runs every test layer.
# Layers: unit (core), protocol (the built server over stdio), webview (bundle in headless
# Chromium), e2e + integration (the packaged extension in code-server, driven in Chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
step() { printf '\n=== %s (%ss)\n' "$1" "$(( $(date +%s) - start ))"; }

step "dependencies"
bash scripts/ensure-node-modules.sh
bash scripts/ensure-debian-packages.sh chromium libkrb5-dev ripgrep

step "typecheck"
npm run -s typecheck

step "build"
npm run -s build

step "unit tests"
npm run -s test:unit

step "CLI tests (the built dist/cli.js)"
npm run -s test:cli

step "protocol tests (server over stdio)"
npm run -s test:protocol

step "webview tests (headless Chromium)"
npm run -s test:webview

step "package the .vsix"
npm run -s package

step "code-server (cached install)"
bash scripts/setup-code-server.sh >/dev/null

step "end-to-end and integration tests (code-server + Chromium)"
npm run -s test:e2e

step "done"
