#!/usr/bin/env bash
# Smoke test of a frozen build, CLI only:  packaging/smoke_test.sh dist/annotator/annotator
# Checks --help, a seed import into a fresh project (migrations and schema from the bundle),
# a duplicate re-import, and a rejected non-UTF-8 file. It does NOT start the GUI.
set -euo pipefail
BIN=$(realpath "${1:?usage: smoke_test.sh PATH/TO/annotator}")
SEEDS="$(dirname "$BIN")/_internal/seeds"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ANNOTATOR_DATA_DIR="$WORK/data"
DB="$WORK/project.sqlite"

"$BIN" --help > /dev/null
test -d "$SEEDS" || { echo "FAIL: no bundled seeds at $SEEDS"; exit 1; }
"$BIN" import "$SEEDS" --db "$DB" | tail -1 | grep -q "^5 added" || { echo "FAIL: seed import"; exit 1; }
"$BIN" import "$SEEDS" --db "$DB" | tail -1 | grep -q "5 already" || { echo "FAIL: duplicates"; exit 1; }
printf '\xff\xfe' > "$WORK/bad.txt"
if "$BIN" import "$WORK/bad.txt" --db "$DB" > /dev/null 2> "$WORK/err"; then
    echo "FAIL: a non-UTF-8 file was accepted"; exit 1
fi
grep -q "not valid UTF-8" "$WORK/err" || { echo "FAIL: unexpected error: $(cat "$WORK/err")"; exit 1; }
if [ ! -d "$(dirname "$BIN")/_internal/PySide6" ]; then
    echo "WARNING: PySide6 is not in the bundle, so the GUI cannot start from this build."
fi
echo "OK: frozen CLI smoke test passed ($BIN)"
