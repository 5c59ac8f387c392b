#!/usr/bin/env bash
# Takes the pinned GraphiQL browser build and the React it runs on from the npm registry into
# gateway/ide/assets/, with their licences. The results are committed: the gateway serves them
# offline and a fresh clone or a wheel needs neither npm nor a network to show GraphiQL.
# graphiql 4.1.2 is the last release with a self-contained browser bundle (5.x needs a bundler).
# Run it again only to change a pin; it refuses a tarball whose integrity differs from the pin.
set -euo pipefail
cd "$(dirname "$0")/.."
PINS=(
  "graphiql@4.1.2 sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg=="
  "react@18.3.1 sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE/0Rve+1kMB1v/oWgHgm4WIcV+i7F2pTVj+2iQ=="
  "react-dom@18.3.1 sha512-5m4nQKp+rZRb09LNH59GM4BxTh9251/ylbKIbpe7TpGxfJ+9kv6BLkLBXIjjspbgbnIBNqlI23tRnTWT0snUIw=="
)
# package -> "file in its tarball:name served"
declare -A FILES=(
  [graphiql]="graphiql.min.js:graphiql.min.js graphiql.min.css:graphiql.min.css"
  [react]="umd/react.production.min.js:react.production.min.js"
  [react-dom]="umd/react-dom.production.min.js:react-dom.production.min.js"
)
ASSETS=gateway/ide/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$ASSETS" && mkdir -p "$ASSETS"
echo "# package@version  npm integrity; then sha256 of each file taken (scripts/fetch_graphiql.sh)" > "$ASSETS/SOURCES"
for pin in "${PINS[@]}"; do
  read -r spec integrity <<< "$pin"
  name=${spec%@*}
  got=$(cd "$work" && npm pack "$spec" --json --silent | node -e \
    'process.stdout.write(JSON.parse(require("fs").readFileSync(0, "utf8"))[0].integrity)')
  if [ "$got" != "$integrity" ]; then
    echo "fetch_graphiql: $spec has integrity $got, pinned $integrity" >&2
    exit 1
  fi
  mkdir -p "$work/$name" && tar -xzf "$work/$name-${spec##*@}.tgz" -C "$work/$name"
  echo "$spec $integrity" >> "$ASSETS/SOURCES"
  cp "$work/$name/package/LICENSE" "$ASSETS/$name.LICENSE"
  for pair in ${FILES[$name]}; do
    cp "$work/$name/package/${pair%%:*}" "$ASSETS/${pair##*:}"
  done
done
(cd "$ASSETS" && sha256sum -- *.js *.css *.LICENSE) >> "$ASSETS/SOURCES"
echo "fetch_graphiql: $(ls "$ASSETS" | wc -l) files in $ASSETS"
