#!/usr/bin/env bash
# Flow control costs: `fifo cat --rate-limit` far above the machine's rate
# beside the unlimited copy (the bucket must cost nothing when it never
# waits), and CPU per GiB of `fifo cat --rate-limit R` beside `pv -q -L R`
# at the same rate. Prints a Markdown report; medians of BENCH_RUNS runs.
#
#   bench/flow.sh                                   # 1 GiB, 3 runs, 100M/s
#   BENCH_BYTES=268435456 BENCH_RUNS=1 BENCH_RATE=20M bench/flow.sh
#
# Every run is bounded by `timeout`; byte counts are checked on every run.
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_BYTES:-1073741824}
RUNS=${BENCH_RUNS:-3}
RATE=${BENCH_RATE:-100M}
LIMIT=600

source bench/common.sh
MEASURE=$PWD/bench/measure.py

# run CMD...: one run; prints "SECONDS CPU_SECONDS", checking the bytes.
run() {
    local start end out
    start=$(date +%s.%N)
    out=$(timeout "$LIMIT" python3 "$MEASURE" "$@")
    end=$(date +%s.%N)
    read -r bytes cpu _ <<<"$out"
    [ "$bytes" = "$BYTES" ] || { echo "bench: $* moved $bytes bytes, not $BYTES" >&2; exit 1; }
    echo "$(echo "$end - $start" | bc -l) $cpu"
}

# median CMD...: the run with the median wall time.
median() {
    local i
    for i in $(seq "$RUNS"); do run "$@"; done | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

gib=$(echo "$BYTES / 1073741824" | bc -l)
row() {
    local name=$1 wall cpu
    shift
    read -r wall cpu < <(median "$@")
    printf '| %s | %.3f | %.0f | %.3f |\n' "$name" "$wall" \
        "$(echo "$BYTES / $wall / 1000000" | bc -l)" "$(echo "$cpu / $gib" | bc -l)"
}

echo "## flow control benchmarks"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r)"
echo "- $BYTES bytes from a file into a pipe, median of $RUNS runs; $(pv --version | head -1)"
echo "- command: \`BENCH_BYTES=$BYTES BENCH_RUNS=$RUNS BENCH_RATE=$RATE bench/flow.sh\`"
echo
echo "### A limit far above the machine's rate (1000G/s) beside no limit"
echo
echo "| program | median s | MB/s | CPU s per GiB |"
echo "|---|---|---|---|"
row "fifo cat" "$FIFO" cat "$T/data"
row "fifo cat --rate-limit 1000G" "$FIFO" cat --rate-limit 1000G "$T/data"
row "fifo cat --no-splice" "$FIFO" cat --no-splice "$T/data"
row "fifo cat --no-splice --rate-limit 1000G" "$FIFO" cat --no-splice --rate-limit 1000G "$T/data"
echo
echo "### At $RATE/s: fifo beside pv -L"
echo
echo "| program | median s | MB/s | CPU s per GiB |"
echo "|---|---|---|---|"
row "fifo cat --rate-limit $RATE" "$FIFO" cat --rate-limit "$RATE" "$T/data"
row "pv -q -L $RATE" pv -q -L "$RATE" "$T/data"
