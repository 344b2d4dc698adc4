#!/usr/bin/env bash
# Adding a block to a 100,000-block repository must cost milliseconds, not a rewrite of the file.
# Builds such a repository at difficulty 1, then times `chainctl mine` of one pending transaction
# with hyperfine (each run prepared by a `tx add`), and prints the median.
#
# usage: tests/bench/append_100k.sh [path/to/chainctl]
set -euo pipefail
bin=$(realpath "${1:-build/chainctl}")
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

echo "generating a 100,000-block chain at difficulty 1 ..."
mkdir -p "$dir/repo"
"$bin" bench --write-chain "$dir/repo/chain.json" --chain-blocks 100000 --chain-block-bytes 300 \
    --chain-difficulty 1 -q
"$bin" init "$dir/repo" --difficulty 1 -q
size=$(stat -c %s "$dir/repo/chain.json")
echo "chain.json: $((size / 1000000)) MB, $("$bin" -C "$dir/repo" chain show --json | head -c 40 | grep -o '[0-9]*' | head -1) blocks"

hyperfine -N --warmup 3 --runs 40 --export-json "$dir/mine.json" \
    --prepare "$bin -C $dir/repo tx add -q --author bench --content one-more-post" \
    "$bin -C $dir/repo mine -q --threads 1" >/dev/null
hyperfine -N --warmup 3 --runs 40 --export-json "$dir/add.json" \
    "$bin -C $dir/repo tx add -q --author bench --content a-post" >/dev/null
python3 - "$dir" <<'PY'
import json, statistics, sys
d = sys.argv[1]
for name, label in (("mine", "mine (append one block)"), ("add", "tx add")):
    times = json.load(open(f"{d}/{name}.json"))["results"][0]["times"]
    print(f"{label:28s} median {statistics.median(times) * 1000:6.2f} ms  (min {min(times) * 1000:.2f}, max {max(times) * 1000:.2f}, {len(times)} runs)")
PY
"$bin" -C "$dir/repo" verify
