#!/usr/bin/env bash
# Benchmarks the adjudication engine alone: 1,000,000 generated claims of 100,000 members under
# hangzhou-2022, against a 100,000-claim baseline measured in the same run (docs/adjudication.md).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release -q -p huzhu-bench -- engine
