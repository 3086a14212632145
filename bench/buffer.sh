#!/usr/bin/env bash
# `fifo cat --buffer` and `fifo send --buffer` beside `mbuffer -q -m` (issue
# 17), on the same workloads, run side by side and interleaved:
#
# - bursty: bench/burst.py writes BENCH_BYTES in bursts of BENCH_BURST bytes
#   with BENCH_PAUSE s of silence after each, into the buffer, whose reader
#   takes BENCH_PACE bytes per second steadily (`fifo cat --rate-limit`, the
#   bucket capped at 0.1 s, into sha256sum). A deep buffer lets the producer
#   finish early and keeps the reader busy through the pauses; without one
#   the reader starves in every pause (the "no buffer" row).
# - fast: the same file in one unbroken copy into a reader that takes
#   everything (bench/meter.py, splicing into /dev/null): what the buffer
#   costs when nothing needs smoothing.
#
# Prints a Markdown report: wall time, when the producer was done, CPU
# seconds per GiB and peak RSS of the buffering process alone; medians of
# BENCH_RUNS runs. Byte counts are checked on every run, checksums on every
# bursty run (its reader hashes anyway) and once per program on the fast path.
#
#   bench/buffer.sh                                       # 1 GiB, 3 runs
#   BENCH_BYTES=268435456 BENCH_RUNS=1 bench/buffer.sh
#
# Without mbuffer (Debian package `mbuffer`) its rows say so and the rest runs.
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_BYTES:-1073741824}
RUNS=${BENCH_RUNS:-3}
SIZE=${BENCH_SIZE:-256M}
BURST=${BENCH_BURST:-67108864}
PAUSE=${BENCH_PAUSE:-0.5}
PACE=${BENCH_PACE:-100M}
LIMIT=600

source bench/common.sh
METER=$PWD/bench/meter.py
PRODUCER=$PWD/bench/burst.py
MBUFFER=$(command -v mbuffer || true)
SUM=$(sha256sum < "$T/data" | cut -d' ' -f1)

# The programs compared: NAME and how it runs between the producer on stdin
# and the FIFO $T/p (which the reader reads).
PROGRAMS=("fifo cat --buffer $SIZE" "fifo send --buffer $SIZE" "mbuffer -q -m $SIZE" "no buffer (fifo cat)")
buffered() {
    case $1 in
    "fifo cat"*) "$FIFO" cat --buffer "$SIZE" > "$T/p" ;;
    "fifo send"*) "$FIFO" send --buffer "$SIZE" "$T/p" ;;
    mbuffer*) "$MBUFFER" -q -m "$SIZE" > "$T/p" ;;
    "no buffer"*) "$FIFO" cat > "$T/p" ;;
    esac
}
available() {
    [[ $1 != mbuffer* ]] || [ -n "$MBUFFER" ]
}

# one PROGRAM WORKLOAD: one run; prints "WALL PRODUCER_DONE CPU RSS_KIB"
# (seconds from the start; the buffering process's CPU seconds and peak RSS).
one() {
    local program=$1 workload=$2 burst=$BURST pause=$PAUSE
    [ "$workload" = fast ] && burst=$BYTES pause=0
    rm -f "$T/p" "$T/cpu" "$T/done" "$T/read"
    "$FIFO" mk "$T/p"
    if [ "$workload" = fast ]; then
        timeout "$LIMIT" python3 "$METER" "$T/p" "$LIMIT" > "$T/read" &
    else
        timeout "$LIMIT" "$FIFO" cat --rate-limit "$PACE" "$T/p" | sha256sum > "$T/read" &
    fi
    local reader=$! start end
    start=$(python3 -c 'import time; print(time.monotonic())')
    timeout "$LIMIT" python3 "$PRODUCER" "$T/data" "$burst" "$pause" "$T/done" |
        timeout "$LIMIT" python3 "$METER" --cpu "$T/cpu" bash -c "$(declare -f buffered); $(declare -p FIFO SIZE T MBUFFER); buffered \"\$1\"" _ "$program"
    wait "$reader"
    end=$(python3 -c 'import time; print(time.monotonic())')
    local got
    got=$(cut -d' ' -f1 "$T/read")
    if [ "$workload" = fast ]; then
        [ "$got" = "$BYTES" ] || { echo "bench: $program, fast: $got bytes, not $BYTES" >&2; exit 1; }
    else
        [ "$got" = "$SUM" ] || { echo "bench: $program, bursty: checksum $got, not $SUM" >&2; exit 1; }
    fi
    read -r cpu rss < "$T/cpu"
    echo "$(echo "$end - $start" | bc -l) $(echo "$(cat "$T/done") - $start" | bc -l) $cpu $rss"
}

# check PROGRAM: the fast path once more, hashed by the reader.
check() {
    rm -f "$T/p"
    "$FIFO" mk "$T/p"
    timeout "$LIMIT" sha256sum < "$T/p" > "$T/read" &
    local reader=$!
    timeout "$LIMIT" python3 "$PRODUCER" "$T/data" "$BYTES" 0 "$T/done" |
        bash -c "$(declare -f buffered); $(declare -p FIFO SIZE T MBUFFER); buffered \"\$1\"" _ "$1"
    wait "$reader"
    [ "$(cut -d' ' -f1 "$T/read")" = "$SUM" ] || { echo "bench: $1, fast: checksum differs" >&2; exit 1; }
}

: > "$T/results"
for workload in bursty fast; do
    for program in "${PROGRAMS[@]}"; do
        if available "$program"; then check "$program"; fi
    done
    for run in $(seq "$RUNS"); do
        for program in "${PROGRAMS[@]}"; do
            available "$program" || continue
            echo "$workload|$program|$(one "$program" "$workload")" >> "$T/results"
        done
    done
done

# median WORKLOAD PROGRAM: the run with the median wall time.
median() {
    grep -F "$1|$2|" "$T/results" | cut -d'|' -f3 | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

gib=$(echo "$BYTES / 1073741824" | bc -l)
echo "## --buffer beside mbuffer (issue 17)"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- $BYTES bytes of random data; median of $RUNS runs, programs interleaved; ${MBUFFER:+$("$MBUFFER" -V 2>&1 | head -1)}"
echo "- bursty: bursts of $BURST bytes with $PAUSE s pauses, read at $PACE/s into sha256sum; fast: one unbroken copy, read as fast as it comes"
echo "- command: \`BENCH_BYTES=$BYTES BENCH_RUNS=$RUNS BENCH_SIZE=$SIZE BENCH_BURST=$BURST BENCH_PAUSE=$PAUSE BENCH_PACE=$PACE bench/buffer.sh\`"
[ -n "$MBUFFER" ] || echo "- **mbuffer is not installed: its rows are skipped** (Debian package \`mbuffer\`)"
for workload in bursty fast; do
    echo
    echo "### $workload"
    echo
    echo "| program | wall s | producer done s | MiB/s | CPU s per GiB | CPU vs mbuffer | peak RSS MiB |"
    echo "|---|---|---|---|---|---|---|"
    ref=""
    if [ -n "$MBUFFER" ]; then
        read -r _ _ ref _ < <(median "$workload" "mbuffer -q -m $SIZE")
    fi
    for program in "${PROGRAMS[@]}"; do
        if ! available "$program"; then
            echo "| $program | skipped: not installed | | | | | |"
            continue
        fi
        read -r wall done cpu rss < <(median "$workload" "$program")
        vs="-"
        [ -n "$ref" ] && vs=$(printf '%.2f' "$(echo "$cpu / $ref" | bc -l)")
        printf '| %s | %.2f | %.2f | %.0f | %.3f | %s | %.0f |\n' "$program" "$wall" "$done" \
            "$(echo "$BYTES / $wall / 1048576" | bc -l)" "$(echo "$cpu / $gib" | bc -l)" "$vs" \
            "$(echo "$rss / 1024" | bc -l)"
    done
done
