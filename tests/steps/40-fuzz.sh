#!/usr/bin/env bash
# Short fuzzing run in ./build.sh test: 40 s per target (4 targets) plus the fuzz build, about
# 3.5 min incremental, under 5 min from scratch.
# The long run is `./build.sh fuzz` (600 s per target).
set -euo pipefail
exec bash "$(dirname "$0")/../fuzz.sh" "${FUZZ_SECONDS:-40}"
