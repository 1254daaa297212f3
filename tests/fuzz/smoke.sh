#!/usr/bin/env bash
# make test's fuzz suite: each fuzz target over its kept corpus, then a few thousand inputs
# mutated from seed 1 (a few seconds in all); TAP output for tests/run_all.sh.
exec "$(dirname "$0")/run.sh" --smoke
