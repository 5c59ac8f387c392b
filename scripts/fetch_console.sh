#!/usr/bin/env bash
# Builds the store console's one vendored file: the graphql-ws client (pinned, with the esbuild that bundles it,
# by gateway/console/package-lock.json) as a single browser ES module in gateway/console/vendor/, with its
# licence and a SOURCES file (versions, npm integrity, sha256 of each file). The results are committed: the
# gateway serves them offline and a fresh clone needs neither npm nor a network to show the console.
# Run it again only to change a pin (edit package.json, `npm install --package-lock-only` there, then this).
set -euo pipefail
cd "$(dirname "$0")/.."
CONSOLE=gateway/console
VENDOR=$CONSOLE/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$CONSOLE/package.json" "$CONSOLE/package-lock.json" "$work/"
# npm ci installs exactly the lockfile (each tarball checked against its integrity) or fails
(cd "$work" && npm ci --no-audit --no-fund --silent)
integrity() {
  node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).packages["node_modules/" + process.argv[2]];
           process.stdout.write(`${process.argv[2]}@${l.version} ${l.integrity}`)' "$work/package-lock.json" "$1"
}
rm -rf "$VENDOR" && mkdir -p "$VENDOR"
# the client only (no server code), every import inlined, for `<script type="module">` and `import` in the page
(cd "$work" && ./node_modules/.bin/esbuild node_modules/graphql-ws/dist/client.js --bundle --format=esm \
  --platform=browser --target=es2020 --minify --legal-comments=none --log-level=warning \
  --outfile=graphql-ws.client.js)
cp "$work/graphql-ws.client.js" "$VENDOR/graphql-ws.client.js"
cp "$work/node_modules/graphql-ws/LICENSE.md" "$VENDOR/graphql-ws.LICENSE"
{
  echo "# package@version  npm integrity (gateway/console/package-lock.json); then sha256 of each file (scripts/fetch_console.sh)"
  echo "$(integrity graphql-ws)  bundled: dist/client.js"
  echo "$(integrity esbuild)  bundler: --bundle --format=esm --platform=browser --target=es2020 --minify"
  (cd "$VENDOR" && sha256sum -- *.js *.LICENSE)
} > "$VENDOR/SOURCES"
echo "fetch_console: $(ls "$VENDOR" | wc -l) files in $VENDOR"
