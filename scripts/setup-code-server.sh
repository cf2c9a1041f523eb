#!/usr/bin/env bash
# Installs VS Code for the browser (code-server) from the npm registry into a cache folder
# outside the repository, following the recipe in DESIGN.md. Idempotent: a finished install
# leaves a stamp and later calls return at once. Prints the code-server entry point.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE="${SCALING_LENS_CACHE:-$HOME/.cache/scaling-lens}"
DIR="$CACHE/code-server-$VERSION"
STAMP="$DIR/.installed"
if [ -f "$STAMP" ]; then
  echo "$DIR/node_modules/code-server/out/node/entry.js"
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
bash "$here/ensure-debian-packages.sh" libkrb5-dev ripgrep chromium >&2
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
echo '{"name":"scaling-lens-code-server","private":true}' > package.json
{
  echo "installing code-server $VERSION into $DIR"
  npm install "code-server@$VERSION" --ignore-scripts --no-audit --no-fund
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts --no-audit --no-fund
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild kerberos @vscode/spdlog native-watchdog node-pty @vscode/deviceid
  [ -e node_modules.asar ] || ln -s node_modules node_modules.asar
  (cd bin/remote-cli && { [ -e code-server ] || ln -s code-linux.sh code-server; })
  (cd bin/helpers && { [ -e browser.sh ] || ln -s browser-linux.sh browser.sh; })
  (cd extensions && npm install --omit=dev --ignore-scripts --no-audit --no-fund)
  # npm hoists code-server's own dependencies to the top of this folder.
  cd "$DIR"
  npm rebuild argon2
  node -e "require('argon2')"
} >&2
touch "$STAMP"
echo "$DIR/node_modules/code-server/out/node/entry.js"
