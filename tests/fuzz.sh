#!/usr/bin/env bash
# Fuzzes the engine: each cargo-fuzz target in crate/fuzz/ runs for SECONDS (default 600).
#   bash tests/fuzz.sh 45     the short run in ./build.sh test (tests/steps/40-fuzz.sh)
#   ./build.sh fuzz [SECONDS] the long run
# Corpora are seeded from tests/fixtures (raw responses, PageInput JSON), crate/rules and
# crate/fuzz/seeds, and kept in crate/fuzz/corpus/ (not committed) so runs build on each other.
# A crash fails the script; its input is in crate/fuzz/artifacts/TARGET/ — turn it into a
# regression test (crate/tests/hostile.rs or a fixture) before fixing the engine.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-600}
TARGETS=${FUZZ_TARGETS:-"http_parse classify rule_loader probe_parsers"}
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

# cargo fuzz wants nightly. Use it when installed; otherwise the machine's one toolchain with
# RUSTC_BOOTSTRAP=1 (no other toolchain can be fetched here, and -s none needs no sanitizer).
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  TC=(+nightly)
else
  TC=()
  export RUSTC_BOOTSTRAP=1
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== cargo install cargo-fuzz"
  cargo install cargo-fuzz --locked
fi

FUZZ=$ROOT/crate/fuzz
seed() { # seed TARGET FILES...
  local dir=$FUZZ/corpus/$1
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    # Named by content so re-seeding never duplicates.
    cp -n "$f" "$dir/seed-$(sha1sum "$f" | cut -c1-16)" 2>/dev/null || true
  done
}
shopt -s nullglob globstar
seed http_parse "$ROOT"/tests/fixtures/**/*.http
seed classify "$ROOT"/tests/fixtures/**/*.input.json
# The classifier's arbitrary-decoded inputs also get the raw pages, as byte soup to mutate.
seed classify "$ROOT"/tests/fixtures/**/*.http
seed rule_loader "$ROOT"/crate/rules/*.toml
seed probe_parsers "$FUZZ"/seeds/probe_parsers/*

# Flags: -s none because the engine has no unsafe code (no sanitizer needed to see a bug: a
# panic is the bug) and it halves build and run time; -a keeps debug assertions and overflow
# checks on, so an arithmetic overflow counts as a crash.
FLAGS=(-s none -a)
echo "== cargo ${TC[*]} fuzz build (${TARGETS// /, })"
( cd crate && cargo "${TC[@]}" fuzz build "${FLAGS[@]}" )

BIN=$FUZZ/target/$(rustc "${TC[@]}" -vV | awk '/^host:/{print $2}')/release
fail=0
for t in $TARGETS; do
  echo "== fuzz $t for ${SECONDS_PER_TARGET}s"
  log=$FUZZ/artifacts/$t.log
  mkdir -p "$FUZZ/artifacts/$t"
  # -rss_limit_mb and -timeout turn a runaway (memory or time) on one input into a failure too;
  # -max_len covers large pages without making every input huge.
  # The binaries built above run directly: `cargo fuzz run` would rebuild whenever a rule file
  # changed in between, which is not what a timed run should spend its time on.
  if ( cd "$FUZZ" && "$BIN/$t" "corpus/$t" -artifact_prefix="artifacts/$t/" \
        -max_total_time="$SECONDS_PER_TARGET" -max_len=131072 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 ) >"$log" 2>&1; then
    runs=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    cov=$(grep -a '^#[0-9]' "$log" | tail -1 | grep -ao 'cov: [0-9]*' || true)
    echo "$t: ok, ${runs:-?} executions in ${SECONDS_PER_TARGET}s, ${cov:-cov: ?}, corpus $(ls "$FUZZ/corpus/$t" | wc -l) inputs"
  else
    fail=1
    echo "$t: CRASH or failure; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    ls "$FUZZ/artifacts/$t" >&2 || true
  fi
done
exit $fail
