# Sourced by the bench scripts (set $bin first): a temporary directory ($dir), nodes started on
# free ports of 127.0.0.1 and always stopped, and memory figures read from /proc.

dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$dir"; }
trap cleanup EXIT

start_node() { # repo [node serve options...] -> sets $url and $pid
    local repo=$1; shift
    "$bin" node serve -C "$repo" --port 0 -q --sync-interval 0 --json "$@" > "$repo.out" &
    pid=$!; pids+=("$pid")
    for _ in $(seq 600); do [ -s "$repo.out" ] && break; sleep 0.05; done
    url=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["url"])' "$repo.out")
}
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }                              # KiB -> MB
status_mb() { awk -v f="$2" '$1 == f":" {printf "%.1f", $2 / 1024}' "/proc/$1/status"; } # pid field
