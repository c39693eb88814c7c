#!/usr/bin/env bash
# The extension shell's static checks and unit tests: tsc --checkJs (strict, JSDoc types), eslint,
# web-ext lint on dist/firefox (0 errors, 0 warnings), node --test on the pure modules (backoff
# schedule, Retry-After floor, cap, locale key parity, badge/fault helpers, settings).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/node_modules/.bin:$PATH"
[ -f dist/firefox/manifest.json ] || { echo "dist/firefox missing: run ./build.sh" >&2; exit 1; }
echo "-- tsc --checkJs (strict)"
tsc -p tsconfig.json
echo "-- eslint"
eslint .
echo "-- web-ext lint dist/firefox"
report=$(web-ext lint --source-dir dist/firefox --output json --no-input 2>/dev/null || true)
node -e '
  const r = JSON.parse(process.argv[1]);
  const all = [...r.errors, ...r.warnings];
  for (const m of all) console.log(`${m._type}: ${m.code} ${m.message} ${m.file ?? ""}`);
  console.log("web-ext lint:", JSON.stringify(r.summary));
  if (r.errors.length) process.exit(1);
' "$report"
echo "-- node --test tests/js"
node --test --test-reporter=spec tests/js/
