#!/usr/bin/env bash
# Runs the PySpark Connect compatibility suite: the real pyspark-client against a Kindling started
# by the tests. Extra arguments go to pytest (e.g. `bash test/compat/run.sh -k notebook -x`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

bash "$here/setup.sh"
if [[ ! -f "$root/dist/cli/main.js" ]]; then
  (cd "$root" && npm run build)
fi

cd "$here"
export PYTHONDONTWRITEBYTECODE=1
exec "$here/.venv/bin/python" -m pytest "$@"
