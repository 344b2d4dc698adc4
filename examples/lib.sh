# Shared by the example scripts: which chainctl to run, starting servers on this machine and
# always stopping them, and checks that say what went wrong.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -n "${CHAINCTL:-}" ]; then
    chainctl=$CHAINCTL
elif [ -x "$here/../build/chainctl" ]; then
    chainctl=$here/../build/chainctl
else
    chainctl=chainctl
fi

pids=()
workdir=$(mktemp -d)
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$workdir"
}
trap cleanup EXIT

# start NAME [on HOST] COMMAND...: runs a server in the background (on a host of the multi-host
# example, through on()), waits for the first line it prints (a server prints it once it
# listens) and remembers its pid in the variable NAME_pid.
start() {
    local name=$1; shift
    if [ "$1" = on ]; then
        local host=$2; shift 2
        set -- ip netns exec "$(ns "$host")" "$@"
    fi
    "$@" > "$workdir/$name.out" 2> "$workdir/$name.log" &
    local pid=$!
    pids+=("$pid")
    printf -v "${name}_pid" '%s' "$pid"
    for _ in $(seq 100); do
        [ "$(wc -l < "$workdir/$name.out" 2>/dev/null)" -ge 1 ] 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "$name did not start:" >&2
    cat "$workdir/$name.log" >&2
    exit 1
}

step() { printf '\n== %s\n' "$*"; }

# check DESCRIPTION COMMAND...: runs the command and stops the exercise if it fails.
check() {
    local what=$1; shift
    if "$@"; then echo "ok: $what"; else echo "FAILED: $what" >&2; exit 1; fi
}
