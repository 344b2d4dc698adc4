#!/usr/bin/env bash
# verify must handle at least 250 MB/s on a 50 MB chain file with peak memory at most twice the
# file's size. Generates such a file, times `chainctl verify` with hyperfine (median of 10), reads
# its peak RSS with /usr/bin/time, and, for comparison in the same run, times the reference node's
# way of validating a chain (tests/support/reference_model.py) on the same file.
#
# usage: tests/bench/verify_50mb.sh [path/to/chainctl]
set -euo pipefail
bin=$(realpath "${1:-build/chainctl}")
here=$(dirname "$(realpath "$0")")
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$bin" bench --write-chain "$dir/chain.json" --chain-mb 50 --chain-difficulty 2 -q
size=$(stat -c %s "$dir/chain.json")
hyperfine -N --warmup 2 --runs 10 --export-json "$dir/verify.json" "$bin verify -q $dir/chain.json" >/dev/null
rss_kb=$(/usr/bin/time -f %M "$bin" verify -q "$dir/chain.json" 2>&1 >/dev/null | tail -1)
python3 - "$dir" "$size" "$rss_kb" "$here/../support" <<'PY'
import json, statistics, sys, time
d, size, rss_kb, support = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, support)
from reference_model import load_chain
median = statistics.median(json.load(open(f"{d}/verify.json"))["results"][0]["times"])
start = time.perf_counter()
load_chain(json.load(open(f"{d}/chain.json"))["chain"])
python_s = time.perf_counter() - start
print(f"file                  {size / 1e6:.1f} MB")
print(f"chainctl verify       median {median * 1000:.0f} ms = {size / median / 1e6:.0f} MB/s (whole process)")
print(f"peak RSS              {rss_kb / 1024:.0f} MiB = {rss_kb * 1024 / size:.2f}x the file")
print(f"reference model       {python_s * 1000:.0f} ms = {size / python_s / 1e6:.0f} MB/s (same file, this run)")
PY
