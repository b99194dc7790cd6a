#!/usr/bin/env bash
# Makes test/spark/.venv: a Python virtual environment with the pinned full Spark (pip pyspark).
# The environment lives in a per-machine cache keyed by requirements.txt and the Python version,
# so a fresh clone (CI) reuses it; pip's own wheel cache makes a rebuild cheap. Safe to run
# concurrently (flock) and cheap when nothing changed. Prints the venv's python on the last line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
req="$here/requirements.txt"
python="${KINDLING_PYTHON:-python3}"

if ! command -v java >/dev/null 2>&1 || ! java -version 2>&1 | grep -Eq 'version "(1[7-9]|2[0-9])'; then
  echo "spark-setup: installing a Java 17 runtime" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

key="$( { cat "$req"; "$python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)"
cache="${KINDLING_SPARK_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/kindling}"
venv="$cache/spark-venv-$key"
mkdir -p "$cache"

exec 9>"$cache/spark-venv.lock"
flock 9
if [ ! -f "$venv/.ready" ]; then
  echo "spark-setup: creating $venv (pip install -r test/spark/requirements.txt)" >&2
  start=$(date +%s)
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$req" >&2
  "$venv/bin/python" -c 'import pyspark; print("spark-setup: pyspark", pyspark.__version__)' >&2
  touch "$venv/.ready"
  echo "spark-setup: done in $(( $(date +%s) - start ))s" >&2
  # Older environments from previous requirements are dead weight (~0.5 GB each).
  for old in "$cache"/spark-venv-*; do
    [ "$old" = "$venv" ] || [ ! -d "$old" ] || rm -rf "$old"
  done
fi
flock -u 9

ln -sfn "$venv" "$here/.venv"
echo "$here/.venv/bin/python"
