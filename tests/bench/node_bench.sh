#!/usr/bin/env bash
# The node's speed and memory targets, measured on this machine with wrk on the same machine:
#   GET /chain for a 5,000-block chain (~2.8 MB)   >= 500 requests/s (16 connections)
#   POST /new_transaction, each 201 durable         >= 10,000 requests/s (16 connections)
#   RSS with that chain loaded                      <= 25 MB
#   a new node syncs 100,000 blocks on registering  < 3 s
#   a mined block reaches all 8 nodes of a ring     < 1 s
# Servers listen on 127.0.0.1 on free ports and are always stopped.
#
# usage: tests/bench/node_bench.sh [path/to/chainctl] [seconds per wrk run]
set -euo pipefail
bin=$(realpath "${1:-build/chainctl}")
seconds=${2:-10}
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
source "$(dirname "$0")/bench_lib.sh"

echo "== 5,000-block chain"
mkdir -p "$dir/n5k"
"$bin" bench --write-chain "$dir/n5k/chain.json" --chain-blocks 5000 --chain-block-bytes 460 --chain-difficulty 2 -q
"$bin" init "$dir/n5k" -q
echo "chain.json: $(stat -c %s "$dir/n5k/chain.json") bytes"
start_node "$dir/n5k"
echo "RSS after loading:               $(status_mb "$pid" VmRSS) MB"
wrk -t2 -c16 -d"${seconds}s" --latency "${url}chain" | grep -E "Requests/sec|Transfer/sec|50%|99%" | sed 's/^/GET \/chain  /'
echo "RSS after GET /chain load:       $(status_mb "$pid" VmRSS) MB"

cat > "$dir/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"author": "bench", "content": "post number ' .. n .. '"}')
end
local bad = 0
response = function(status) if status ~= 201 then bad = bad + 1 end end
done = function() io.write("non-201 responses: " .. bad .. "\n") end
LUA
wrk -t2 -c16 -d"${seconds}s" --latency -s "$dir/post.lua" "${url}new_transaction" | grep -E "Requests/sec|50%|99%|non-201" | sed 's/^/POST \/new_transaction  /'
echo "RSS after POST load:             $(status_mb "$pid" VmRSS) MB"
pending=$(curl -s "${url}health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pending"])')
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
on_disk=$(wc -l < "$dir/n5k/.chainctl/pending.jsonl")
echo "after kill -9: $pending pending acknowledged, $on_disk on disk"

echo "== registering with a node of 100,000 blocks"
mkdir -p "$dir/big" "$dir/new"
"$bin" bench --write-chain "$dir/big/chain.json" --chain-blocks 100000 --chain-block-bytes 300 --chain-difficulty 2 -q
"$bin" init "$dir/big" -q
start_node "$dir/big"; big_url=$url
start_node "$dir/new"; new_url=$url
t0=$(date +%s.%N)
curl -s -X POST "${new_url}register_with" -H 'Content-Type: application/json' -d "{\"node_address\": \"$big_url\"}" >/dev/null
t1=$(date +%s.%N)
echo "synced and validated $(curl -s "${new_url}health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["length"])') blocks ($(stat -c %s "$dir/big/chain.json") bytes) in $(echo "$t1 - $t0" | bc) s"

echo "== a ring of 8 nodes"
urls=()
for i in $(seq 0 7); do mkdir -p "$dir/ring$i"; start_node "$dir/ring$i"; urls+=("$url"); done
for i in $(seq 0 7); do
    j=$(( (i + 1) % 8 ))
    curl -s -X POST "${urls[$i]}register_node" -H 'Content-Type: application/json' -d "{\"node_address\": \"${urls[$j]}\"}" >/dev/null
    curl -s -X POST "${urls[$j]}register_node" -H 'Content-Type: application/json' -d "{\"node_address\": \"${urls[$i]}\"}" >/dev/null
done
python3 - "${urls[@]}" <<'PY'
import json, sys, time, urllib.request
urls = sys.argv[1:]
def length(u):
    with urllib.request.urlopen(u + "health") as r:
        return json.load(r)["length"]
times = []
for k in range(5):
    req = urllib.request.Request(urls[0] + "new_transaction", data=json.dumps({"author": "ring", "content": str(k)}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req).read()
    start = time.perf_counter()
    urllib.request.urlopen(urls[0] + "mine").read()
    while any(length(u) != k + 2 for u in urls):
        time.sleep(0.002)
    times.append(time.perf_counter() - start)
times.sort()
print(f"block from mine to all 8 nodes: median {times[2] * 1000:.0f} ms (min {times[0] * 1000:.0f}, max {times[-1] * 1000:.0f}, 5 blocks)")
PY
