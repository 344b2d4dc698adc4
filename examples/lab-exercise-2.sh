#!/usr/bin/env bash
# Lab exercise 2: two servers and the web page. Server 1 on port 8000, server 2 on 8001, the page
# on 5000 using both. Server 2 registers with server 1; then server 1 stops and the page carries
# on through server 2 without a restart.
#
# usage: examples/lab-exercise-2.sh        (ports: PORT1=8000 PORT2=8001 UI_PORT=5000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
s1=http://127.0.0.1:${PORT1:-8000}
s2=http://127.0.0.1:${PORT2:-8001}
ui=http://127.0.0.1:${UI_PORT:-5000}
post() { curl -sf -X POST "$1/new_transaction" -H 'Content-Type: application/json' -d "$2"; echo; }
posts_of() { "$chainctl" chain show --node "$1" --json | python3 -c 'import json,sys; print("\n".join(t["content"] for b in json.load(sys.stdin)["chain"] for t in b["transactions"]))'; }

start server1 "$chainctl" node serve -C "$workdir/server1" --port "${PORT1:-8000}"
start server2 "$chainctl" node serve -C "$workdir/server2" --port "${PORT2:-8001}"
start page "$chainctl" ui serve --node "$s1" --node "$s2" --port "${UI_PORT:-5000}" --node-timeout 0.5

step "1. Post and mine on server 1"
post "$s1" '{"author": "alice", "content": "first, on server 1"}'
curl -sf "$s1/mine"; echo

step "2. Register server 2 with server 1"
"$chainctl" peer register --with "$s1" --node "$s2"
# The same with curl:
#   curl -X POST $s2/register_with -H 'Content-Type: application/json' -d '{"node_address": "'$s1'"}'
check "server 2 has server 1's chain" test "$(posts_of "$s2")" = "first, on server 1"
check "and each is the other's peer" test "$("$chainctl" peer list --node "$s1")" = "$s2/"

step "3. Post and mine on server 2"
post "$s2" '{"author": "bob", "content": "second, on server 2"}'
curl -sf "$s2/mine"; echo
sleep 0.5
check "server 1 received server 2's block" grep -q "second, on server 2" <(posts_of "$s1")

step "4. Stop server 1"
kill "$server1_pid"; wait "$server1_pid" || true
check "server 1 is down" sh -c "! curl -sf $s1/health > /dev/null"

step "5. Keep posting and mining through the page"
for n in 1 2; do
    curl -sf -X POST "$ui/api/post" -H 'Content-Type: application/json' -d "{\"author\": \"carol\", \"content\": \"through the page $n\"}"; echo
    curl -sf -X POST "$ui/api/mine" -H 'Content-Type: application/json' -d '{}'; echo
done
check "the page now uses server 2" test "$(curl -sf "$ui/api/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node"])')" = "$s2/"

step "6. Every post is in server 2's chain, and both chain files verify"
posts_of "$s2"
for want in "first, on server 1" "second, on server 2" "through the page 1" "through the page 2"; do
    check "server 2 holds: $want" grep -qx "$want" <(posts_of "$s2")
done
check "server 1's chain file verifies" "$chainctl" verify -C "$workdir/server1"
check "server 2's chain file verifies" "$chainctl" verify -C "$workdir/server2"
