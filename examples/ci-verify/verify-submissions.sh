#!/usr/bin/env bash
# Verifies every submitted chain file in a directory and fails (exit 1) if any is invalid: the step
# a course's CI runs on students' chain.json files. Prints chainctl's report, writes the JSON report
# to verify-report.json for the CI to keep, and, under GitHub Actions, turns each problem into an
# error annotation on its file.
#
# usage: examples/ci-verify/verify-submissions.sh [DIR]    (default: the submissions next to it)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
chainctl=${CHAINCTL:-$(command -v chainctl || echo "$here/../../build/chainctl")}
dir=${1:-$here/submissions}
report=${REPORT:-verify-report.json}

shopt -s nullglob
files=("$dir"/*.json)
if [ ${#files[@]} -eq 0 ]; then
    echo "no chain files (*.json) in $dir" >&2
    exit 1
fi

"$chainctl" verify "${files[@]}"
status=$?
"$chainctl" verify --json "${files[@]}" > "$report"

if [ -n "${GITHUB_ACTIONS:-}" ]; then
    python3 - "$report" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["files"]:
    for p in f["problems"]:
        where = f"block {p['block']}: " if p["block"] is not None else ""
        print(f"::error file={f['file']}::{where}{p['reason']}")
PY
fi

if [ $status -eq 0 ]; then
    echo "all ${#files[@]} chain files are valid"
else
    echo "some chain files are invalid (details above and in $report)" >&2
fi
exit $status
