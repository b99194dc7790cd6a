#!/usr/bin/env bash
# Regenerates test/differential/batch-fixtures.json on real Spark (the venv of test/spark/setup.sh).
# Arguments go to generate_batch_fixtures.py (--check, --only NAME).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python="$(bash "$here/../spark/setup.sh")"
cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$python" generate_batch_fixtures.py "$@"
