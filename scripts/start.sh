#!/usr/bin/env bash
# `npm start`: builds everything, packages the extension, installs it into VS Code for the
# browser (code-server, installed once into a cache folder) and opens examples/ there.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8080}"
CACHE="${SCALING_LENS_CACHE:-$HOME/.cache/scaling-lens}"
PROFILE="$CACHE/start-profile"
bash scripts/ensure-node-modules.sh
bash scripts/ensure-debian-packages.sh libkrb5-dev ripgrep chromium
npm run -s typecheck
npm run -s package
ENTRY=$(bash scripts/setup-code-server.sh)
mkdir -p "$PROFILE"
node "$ENTRY" --user-data-dir "$PROFILE/user" --extensions-dir "$PROFILE/extensions" --install-extension dist/scaling-lens.vsix --force >/dev/null
EXAMPLES="$(pwd)/examples"
echo
echo "Scaling Lens is installed in VS Code for the browser. Open:"
echo "  http://127.0.0.1:$PORT/?folder=$EXAMPLES"
echo "(Ctrl+C stops it. The CLI: node dist/cli.js analyze examples)"
echo
exec node "$ENTRY" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry --disable-update-check \
  --user-data-dir "$PROFILE/user" --extensions-dir "$PROFILE/extensions" "$EXAMPLES"
