#!/usr/bin/env bash
# Lab exercise 1: one server (a node) and one client (the web page), on this machine.
# Post and mine, then look at the posts with the CLI and through the page's server.
#
# usage: examples/lab-exercise-1.sh        (ports: NODE_PORT=8000 UI_PORT=5000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
node=http://127.0.0.1:${NODE_PORT:-8000}
ui=http://127.0.0.1:${UI_PORT:-5000}

step "Start the server (a node) and the client (the page)"
start server "$chainctl" node serve -C "$workdir/server" --port "${NODE_PORT:-8000}"
start client "$chainctl" ui serve --node "$node" --port "${UI_PORT:-5000}"
cat "$workdir/server.out" "$workdir/client.out"

step "Post, as the lab does with curl"
curl -sf -X POST "$node/new_transaction" -H 'Content-Type: application/json' \
     -d '{"author": "alice", "content": "Hello from the lab"}'; echo
# The same with chainctl:
"$chainctl" tx add --node "$node" --author bob --content $'Two lines,\nas typed'

step "Mine"
check "the node mines the posts" test "$(curl -sf "$node/mine")" = "Block #1 is mined."

step "The posts, with the CLI"
"$chainctl" chain show --node "$node" --format posts
check "both posts are in block 1" \
    test "$("$chainctl" chain show --node "$node" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["chain"][1]["transactions"]))')" = 2

step "The same through the page's server (what the browser calls)"
check "the page is served" grep -q "Decentralized content sharing" <(curl -sf "$ui/")
curl -sf -X POST "$ui/api/post" -H 'Content-Type: application/json' -d '{"author": "carol", "content": "Posted from the page"}'; echo
curl -sf -X POST "$ui/api/mine" -H 'Content-Type: application/json' -d '{}'; echo
curl -sf "$ui/api/state" > "$workdir/state.json"
python3 - "$workdir/state.json" <<'PY'
import json, sys
state = json.load(open(sys.argv[1]))
print(f"node {state['node']}, height {state['height']}")
for post in state["posts"]:
    print(f"  {post['author']:6s} block #{post['block']}  {post['content']!r}")
assert [p["author"] for p in state["posts"]][0] == "carol", "the newest post comes first"
assert len(state["posts"]) == 3, "three posts"
PY
echo "ok: the page shows all three posts, newest first"
echo
echo "Open $ui in a browser to see the page (this script stops the servers when it ends)."
