#!/usr/bin/env bash
# Memory that does not grow with the chain's bytes. For a chain of each size given (default
# 100,000 and 1,000,000 blocks of about 540 bytes, difficulty 1), measured on this machine:
#   verify the file; init (adopting it); a node serving it: RSS at start and after GET /chain;
#   a new node registering with it: time and peak RSS (sync); GET /chain time.
# Then memory per pending transaction. Prints medians where it repeats; every node is stopped.
# With REFERENCE_DIR (a checkout of the reference node, with run_reference.sh beside it, as
# /work/ref has), the reference node's RSS with the 100,000-block chain is measured too.
#
# usage: tests/bench/memory_bench.sh [path/to/chainctl] [blocks ...]
set -euo pipefail
bin=$(realpath "${1:-build/chainctl}")
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
source "$(dirname "$0")/bench_lib.sh"
timed() { # label command...: prints seconds and peak RSS of the command
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" > /dev/null
    read -r secs kb < "$dir/time"
    printf '%-44s %7.2f s   peak RSS %7s MB\n' "$label" "$secs" "$(mb "$kb")"
}

for blocks in "${sizes[@]}"; do
    echo "== a chain of $blocks blocks"
    file="$dir/c$blocks.json"
    "$bin" bench --write-chain "$file" --chain-blocks "$blocks" --chain-block-bytes 400 --chain-difficulty 1 -q
    size=$(stat -c %s "$file")
    echo "chain file: $(awk -v b="$size" 'BEGIN {printf "%.0f", b / 1e6}') MB"
    timed "verify" "$bin" verify "$file"
    mkdir -p "$dir/serve$blocks"
    cp "$file" "$dir/serve$blocks/chain.json"
    timed "init (adopt, rewrite in the layout)" "$bin" init "$dir/serve$blocks" -q
    start_node "$dir/serve$blocks" --probe-interval 0; big_pid=$pid; big_url=$url
    echo "node serving it: RSS at start                $(status_mb "$big_pid" VmRSS) MB (peak $(status_mb "$big_pid" VmHWM) MB)"
    for i in 1 2 3; do
        curl -s -o /dev/null -w '%{time_total}\n' "${big_url}chain"
    done | sort -n | sed -n 2p | awk '{printf "GET /chain (median of 3)                     %7.2f s\n", $1}'
    echo "node serving it: RSS after 3 GET /chain      $(status_mb "$big_pid" VmRSS) MB (peak $(status_mb "$big_pid" VmHWM) MB)"
    mkdir -p "$dir/new$blocks"
    "$bin" init "$dir/new$blocks" --difficulty 1 -q
    start_node "$dir/new$blocks" --probe-interval 0 --register-timeout 3600 --max-chain-mib 4096; new_pid=$pid; new_url=$url
    t0=$(date +%s.%N)
    curl -s -X POST "${new_url}register_with" -H 'Content-Type: application/json' \
        -d "{\"node_address\": \"$big_url\"}" > "$dir/register.out"
    t1=$(date +%s.%N)
    got=$(curl -s "${new_url}health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["length"])')
    printf '%-44s %7.2f s   peak RSS %7s MB  (%s blocks: %s)\n' "sync (a new node registers with it)" \
        "$(echo "$t1 - $t0" | bc)" "$(status_mb "$new_pid" VmHWM)" "$got" "$(cat "$dir/register.out")"
    echo "new node after the sync: RSS                 $(status_mb "$new_pid" VmRSS) MB"
    kill "$big_pid" "$new_pid"; wait "$big_pid" "$new_pid" 2>/dev/null || true
    rm -rf "$dir/serve$blocks" "$dir/new$blocks"
done

echo "== memory per pending transaction"
mkdir -p "$dir/pending"
start_node "$dir/pending" --probe-interval 0 --max-pending 1000000 --max-pending-mib 1024
before=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
python3 - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
for i in range(20000):
    body = json.dumps({"author": "student%d" % (i % 30), "content": "a post of about two hundred bytes, number %d " % i + "x" * 120}).encode()
    urllib.request.urlopen(urllib.request.Request(url + "new_transaction", data=body, headers={"Content-Type": "application/json"})).read()
urllib.request.urlopen(url + "pending_tx").read()  # the cached /pending_tx body too
PY
after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
line=$(head -1 "$dir/pending/.chainctl/pending.jsonl" | wc -c)
echo "20,000 pending transactions of $line bytes: RSS +$(mb $((after - before))) MB = $(( (after - before) * 1024 / 20000 )) bytes each"
kill "$pid"; wait "$pid" 2>/dev/null || true

if [ -n "${REFERENCE_DIR:-}" ]; then
    echo "== the reference node with the 100,000-block chain"
    "$bin" bench --write-chain "$dir/ref.json" --chain-blocks 100000 --chain-block-bytes 400 --chain-difficulty 2 -q
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$REFERENCE_DIR/../run_reference.sh" "$port" "$dir/ref.json" > "$dir/ref.log" 2>&1 &
    rpid=$!; pids+=("$rpid")
    t0=$(date +%s.%N)
    until curl -s -o /dev/null "http://127.0.0.1:$port/chain"; do sleep 0.5; done
    t1=$(date +%s.%N)
    rp=$(pgrep -P "$rpid" -f flask || echo "$rpid")
    echo "reference: loaded in $(echo "$t1 - $t0" | bc) s, RSS $(status_mb "$rp" VmRSS) MB"
    curl -s -o /dev/null -w 'reference: GET /chain %{time_total} s\n' "http://127.0.0.1:$port/chain"
fi
