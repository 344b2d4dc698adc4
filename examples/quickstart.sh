#!/usr/bin/env bash
# The first steps with chainctl on one machine: a repository, two posts, a block, the posts.
# usage: examples/quickstart.sh [DIR]   (default: ./demo-chain; reused if it exists)
set -euo pipefail
chainctl=${CHAINCTL:-$(dirname "$0")/../build/chainctl}
dir=${1:-demo-chain}

[ -d "$dir/.chainctl" ] || "$chainctl" init "$dir"
"$chainctl" -C "$dir" tx add --author alice --content "Hello from $(hostname)!"
"$chainctl" -C "$dir" tx add --author bob --content $'Line one\nLine two'
"$chainctl" -C "$dir" mine
"$chainctl" -C "$dir" chain show
"$chainctl" -C "$dir" chain show --format posts
"$chainctl" -C "$dir" verify
