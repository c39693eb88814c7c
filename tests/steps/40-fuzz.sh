#!/usr/bin/env bash
# Short fuzzing run in ./build.sh test: 45 s per target (4 targets), plus the fuzz build.
# The long run is `./build.sh fuzz` (600 s per target).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz.sh" "${FUZZ_SECONDS:-45}"
