#!/usr/bin/env bash
# Creates test/compat/.venv with the pinned packages of requirements.txt. Idempotent: when the venv
# exists and its stamp matches the requirements and the interpreter, it returns at once. The stamp
# hashes the requirements' content, not their path: worktrees may share one venv through a symlink.
# KINDLING_COMPAT_PYTHON picks the interpreter (default python3, 3.11 or newer).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
requirements="$here/requirements.txt"
python="${KINDLING_COMPAT_PYTHON:-python3}"
stamp="$venv/.kindling-requirements.sha256"

command -v "$python" >/dev/null 2>&1 || { echo "compat setup: $python not found" >&2; exit 1; }
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "compat setup: need Python >= 3.11 (numpy $(<"$requirements" grep -o 'numpy==[0-9.]*')), got $("$python" --version)" >&2
  exit 1
fi

want="$({ sha256sum <"$requirements"; "$python" -c 'import sys; print(sys.executable, sys.version)'; } | sha256sum | cut -d' ' -f1)"
fresh() { [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
fresh && exit 0

# Two runs at once (npm test and a developer) must not build the same venv together.
exec 9>"${TMPDIR:-/tmp}/kindling-compat-venv.lock"
flock 9
fresh && exit 0

echo "compat setup: creating $venv"
started=$(date +%s)
"$python" -m venv --clear "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" 2> >(grep -v "^WARNING: Location 'file:" >&2)
"$venv/bin/python" -m pip check
# The client's session module loads its generated protobuf code and checks its dependencies'
# versions: a mismatch fails here, not in the middle of the suite. (Run from stdin: under `-c`
# pyspark takes itself for a doctest run.)
PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" -W error::FutureWarning - <<'PY'
from pyspark.sql import SparkSession
from pyspark.sql.connect.session import SparkSession as RemoteSparkSession
PY
echo "$want" >"$stamp"
echo "compat setup: ready in $(($(date +%s) - started)) s"
