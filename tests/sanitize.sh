#!/usr/bin/env bash
# Every test once more under AddressSanitizer and UndefinedBehaviorSanitizer (leaks included),
# then each libFuzzer harness of tests/fuzz for a bounded time on its seed corpus. The README's
# test command (and so CI) runs it after the plain build's tests. Builds with clang into
# build-asan/.
#
# usage: tests/sanitize.sh [seconds per fuzzer, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=build-asan

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCHAINCTL_SANITIZE=ON -DCHAINCTL_FUZZ=ON > /dev/null
cmake --build "$build" -j2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
echo "== every test, under ASan and UBSan"
ctest --test-dir "$build" --output-on-failure -j2

echo "== each fuzzer for ${seconds} s"
for fuzzer in "$build"/tests/fuzz/fuzz_*; do
    name=$(basename "$fuzzer"); name=${name#fuzz_}
    work=$(mktemp -d)
    # New inputs go to a scratch corpus; the checked-in seeds are read, never changed.
    if ! "$fuzzer" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
            -artifact_prefix="$work/" "$work" "tests/fuzz/corpus/$name" > "$work/log" 2>&1; then
        tail -40 "$work/log"
        echo "fuzz_$name found a failing input; it is in $work" >&2
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
    echo "fuzz_$name: $runs inputs in ${seconds} s, no failure"
    rm -rf "$work"
done
