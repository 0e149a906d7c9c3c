#!/usr/bin/env bash
# Regenerate the lock files from pyproject.toml's pins in throwaway venvs.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - > "$tmp/run.txt" <<'PY'
import tomllib
d = tomllib.load(open("pyproject.toml", "rb"))
print("\n".join(d["project"]["dependencies"]))
PY
python3 - > "$tmp/test.txt" <<'PY'
import tomllib
d = tomllib.load(open("pyproject.toml", "rb"))
extras = d["project"]["optional-dependencies"]
print("\n".join(d["project"]["dependencies"] + extras["test"] + extras["bench"]))
PY
for kind in run test; do
  python3 -m venv "$tmp/$kind-venv"
  "$tmp/$kind-venv/bin/pip" install -q -r "$tmp/$kind.txt"
done
{ echo "# Runtime lock: every package the portal needs, exact versions. Regenerate with scripts/lock.sh."
  "$tmp/run-venv/bin/pip" freeze --all | grep -v '^pip=='; } > requirements.lock
{ echo "# Test + benchmark lock (includes the runtime set). Regenerate with scripts/lock.sh."
  "$tmp/test-venv/bin/pip" freeze --all | grep -v '^pip=='; } > requirements-test.lock
