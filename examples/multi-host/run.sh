#!/usr/bin/env bash
# Lab exercise 2 on three hosts, built on this machine as Linux network namespaces joined by a
# bridge, as the lab's three machines would be on a LAN:
#
#   host 22  10.200.0.22  server 1  (chainctl node serve --host 10.200.0.22 --port 8000)
#   host 26  10.200.0.26  server 2  (chainctl node serve --host 10.200.0.26 --port 8001)
#   host 27  10.200.0.27  the client: the page (chainctl ui serve), and curl as the user
#
# Needs root (or CAP_NET_ADMIN) on Linux. Where network namespaces cannot be made it says why and
# exits 77 ("skipped"). Everything it creates is removed when it ends, however it ends.
#
# usage: sudo examples/multi-host/run.sh
set -euo pipefail
source "$(dirname "$0")/../lib.sh"

tag=$$
bridge=chbr$tag
hosts=(22 26 27)
ns() { echo "chainctl-h$1-$tag"; }
on() { local host=$1; shift; ip netns exec "$(ns "$host")" "$@"; } # run a command on a host

if ! ip netns add "$(ns probe)" 2> "$workdir/why"; then
    echo "skipping: this machine does not allow network namespaces ($(head -1 "$workdir/why")); run it as root on Linux"
    exit 77
fi
ip netns del "$(ns probe)"

teardown() {
    cleanup
    for h in "${hosts[@]}"; do ip netns del "$(ns "$h")" 2>/dev/null || true; done
    ip link del "$bridge" 2>/dev/null || true
}
trap teardown EXIT

step "Three hosts on a bridge"
ip link add "$bridge" type bridge
ip link set "$bridge" up
for h in "${hosts[@]}"; do
    ip netns add "$(ns "$h")"
    ip link add "veth$h-$tag" type veth peer name eth0 netns "$(ns "$h")"
    ip link set "veth$h-$tag" master "$bridge" up
    ip -n "$(ns "$h")" addr add "10.200.0.$h/24" dev eth0
    ip -n "$(ns "$h")" link set eth0 up
    ip -n "$(ns "$h")" link set lo up
    echo "host $h: 10.200.0.$h"
done

s1=http://10.200.0.22:8000
s2=http://10.200.0.26:8001
page=http://10.200.0.27:5000
start server1 on 22 "$chainctl" node serve -C "$workdir/server1" --host 10.200.0.22 --port 8000
start server2 on 26 "$chainctl" node serve -C "$workdir/server2" --host 10.200.0.26 --port 8001
start client on 27 "$chainctl" ui serve --node "$s1" --node "$s2" --host 10.200.0.27 --port 5000 --node-timeout 0.5
cat "$workdir/server1.out" "$workdir/server2.out" "$workdir/client.out"

# The user sits at host 27.
user() { on 27 "$@"; }
post() { user curl -sf -X POST "$1/new_transaction" -H 'Content-Type: application/json' -d "$2"; echo; }
posts_of() { user "$chainctl" chain show --node "$1" --json | python3 -c 'import json,sys; print("\n".join(t["content"] for b in json.load(sys.stdin)["chain"] for t in b["transactions"]))'; }

step "1. Post and mine on server 1"
post "$s1" '{"author": "alice", "content": "first, on host 22"}'
user curl -sf "$s1/mine"; echo

step "2. Register server 2 with server 1, across the bridge"
user "$chainctl" peer register --with "$s1" --node "$s2"
check "server 2 has server 1's chain" test "$(posts_of "$s2")" = "first, on host 22"
check "server 1 knows server 2 by its LAN address" test "$(user "$chainctl" peer list --node "$s1")" = "$s2/"

step "3. Post and mine on server 2"
post "$s2" '{"author": "bob", "content": "second, on host 26"}'
user curl -sf "$s2/mine"; echo
sleep 0.5
check "server 1 received server 2's block" grep -q "second, on host 26" <(posts_of "$s1")

step "4. Stop server 1"
kill "$server1_pid"; wait "$server1_pid" || true

step "5. Post and mine through the page on host 27"
for n in 1 2; do
    user curl -sf -X POST "$page/api/post" -H 'Content-Type: application/json' -d "{\"author\": \"carol\", \"content\": \"through the page $n\"}"; echo
    user curl -sf -X POST "$page/api/mine" -H 'Content-Type: application/json' -d '{}'; echo
done
check "the page now uses server 2" test "$(user curl -sf "$page/api/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["node"])')" = "$s2/"

step "6. Every post is on server 2, and both chain files verify"
for want in "first, on host 22" "second, on host 26" "through the page 1" "through the page 2"; do
    check "server 2 holds: $want" grep -qx "$want" <(posts_of "$s2")
done
check "server 1's chain file verifies" "$chainctl" verify -C "$workdir/server1"
check "server 2's chain file verifies" "$chainctl" verify -C "$workdir/server2"
