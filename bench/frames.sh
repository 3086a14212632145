#!/usr/bin/env bash
# Framed messages against plain 4 KiB writes, through one FIFO, in one run:
#   1. framed: fifo-core's FrameWriter (64 KiB messages, 4096-byte chunks,
#      one write each) into its Decoder (bench/refs/src/bin/frames.rs);
#   2. the same program's plain loop: 4096-byte writes, 4096-byte reads;
#   3. GNU dd bs=4096 writing the FIFO and dd bs=4096 reading it;
#   4. the CLI: `fifo send --frame -l` (64 KiB lines) into `fifo cat --frame`,
#      one writer, then 8 concurrent writers: rate and the reader's CPU time
#      per GiB;
#   5. the peak RSS of `fifo cat --frame` while 8 writers are each half-way
#      through a message of BENCH_BIG bytes (default 100 MiB).
# Prints Markdown tables: median of BENCH_RUNS runs, MB/s, and each rate
# against dd's.
#
#   bench/frames.sh                                  # 1 GiB, 3 runs
#   BENCH_BYTES=268435456 BENCH_RUNS=5 bench/frames.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_BYTES:-1073741824}
RUNS=${BENCH_RUNS:-3}
MESSAGE=65536
LIMIT=300

cargo build --release --locked --quiet -p fifo-bench-refs --bin frames
cargo build --release --locked --quiet -p fifo-cli --bin fifo
PEER=$PWD/target/release/frames
FIFO=$PWD/target/release/fifo
MEASURE=$PWD/bench/measure.py

T=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$T"' EXIT
mkfifo "$T/f"

# seconds WRITER READER: wall time of one transfer; the reader's report
# ("MESSAGES BYTES") must show BYTES bytes.
seconds() {
    local start end got
    start=$(date +%s.%N)
    timeout "$LIMIT" bash -c "$1" &
    local writer=$!
    got=$(timeout "$LIMIT" bash -c "$2")
    wait "$writer"
    end=$(date +%s.%N)
    case $got in
    *" $BYTES" | "$BYTES") ;;
    *) echo "short transfer: $got" >&2; exit 1 ;;
    esac
    echo "$end - $start" | bc -l
}

median() {
    local i
    for i in $(seq "$RUNS"); do seconds "$1" "$2"; done | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

F=$T/f
framed=$(median "$PEER write-framed $F $BYTES $MESSAGE" "$PEER read-framed $F")
plain=$(median "$PEER write-plain $F $BYTES" "$PEER read-plain $F")
dd=$(median "dd if=/dev/zero of=$F bs=4096 count=$((BYTES / 4096)) status=none" \
    "dd if=$F of=/dev/null bs=4096 2>&1 | awk '/bytes/ {print \$1}'")

echo "| transfer of $BYTES bytes (median of $RUNS) | s | MB/s | rate vs dd |"
echo "|---|---:|---:|---:|"
for row in "framed, 64 KiB messages:$framed" "plain 4 KiB write/read loop:$plain" "GNU dd bs=4096 into dd bs=4096:$dd"; do
    name=${row%:*}
    secs=${row##*:}
    printf '| %s | %.3f | %.0f | %.2f× |\n' "$name" "$secs" \
        "$(echo "$BYTES / $secs / 1000000" | bc -l)" "$(echo "$dd / $secs" | bc -l)"
done

# The CLI. A message is a 64 KiB line (65535 bytes and its newline), read
# by each writer from a file made beforehand; the bench shell holds a write end (descriptor 3) while the writers run, so the
# reader sees no end of file between writers.
LINE=$(head -c $((MESSAGE - 1)) /dev/zero | tr '\0' m)
export LINE FIFO

# cli WRITERS [--null]: one transfer of BYTES in 64 KiB messages from
# WRITERS concurrent `fifo send --frame -l`; prints "SECONDS CPU_SECONDS"
# (the reader's user+system time). The reader's output is counted and must
# be BYTES, or with --null goes to /dev/null (as dd's does) unchecked.
cli() {
    local writers=$1 each=$(($BYTES / $1)) start end got i pids=()
    [ -s "$T/lines.$writers" ] || head -c "$each" < <(yes "$LINE") > "$T/lines.$writers"
    start=$(date +%s.%N)
    timeout "$LIMIT" python3 "$MEASURE" ${2:-} "$FIFO" cat --frame "$F" > "$T/got" &
    local reader=$!
    exec 3> "$F"
    for i in $(seq "$writers"); do
        timeout "$LIMIT" "$FIFO" send --frame -l "$F" < "$T/lines.$writers" 3>&- &
        pids+=($!)
    done
    wait "${pids[@]}"
    exec 3>&-
    wait "$reader"
    end=$(date +%s.%N)
    read -r got cpu _ < "$T/got"
    [ "$got" = -1 ] || [ "$got" = $((each * writers)) ] || { echo "short transfer: $got" >&2; exit 1; }
    echo "$(echo "$end - $start" | bc -l) $cpu"
}

# cli_median WRITERS: one counted run, then the median of RUNS uncounted.
cli_median() {
    local i
    cli "$1" > /dev/null
    for i in $(seq "$RUNS"); do cli "$1" --null; done | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

echo
echo "| CLI, $BYTES bytes in 64 KiB messages (median of $RUNS) | s | MB/s | rate vs dd | reader CPU s per GiB |"
echo "|---|---:|---:|---:|---:|"
for writers in 1 8; do
    read -r secs cpu < <(cli_median "$writers")
    printf '| fifo send --frame -l x %d into fifo cat --frame | %.3f | %.0f | %.2f× | %.2f |\n' \
        "$writers" "$secs" "$(echo "$BYTES / $secs / 1000000" | bc -l)" \
        "$(echo "$dd / $secs" | bc -l)" "$(echo "$cpu * 1073741824 / $BYTES" | bc -l)"
done

# Peak memory: 8 writers each send the first half of a BENCH_BIG message and
# wait; the reader then holds 8 half messages. Its VmHWM is read from /proc
# at that point, then the writers finish and the reader's own peak (from
# getrusage) is reported at the end.
BIG=${BENCH_BIG:-104857600}
HALF=$((BIG / 2))
rm -f "$T"/half.* "$T/release"
timeout "$LIMIT" python3 "$MEASURE" "$FIFO" cat --frame "$F" > "$T/got" &
reader=$!
exec 3> "$F"
pids=()
for i in $(seq 8); do
    timeout "$LIMIT" bash -c '{ head -c "$1" /dev/zero | tr "\0" b; touch "$3"; until [ -e "$4" ]; do sleep 0.1; done; head -c "$1" /dev/zero | tr "\0" b; } | "$FIFO" send --frame "$2"' \
        _ "$HALF" "$F" "$T/half.$i" "$T/release" 3>&- &
    pids+=($!)
done
for i in $(seq 8); do
    timeout "$LIMIT" bash -c 'until [ -e "$1" ]; do sleep 0.1; done' _ "$T/half.$i"
done
# Each feeder's last write returned: its sender has read all but at most a
# pipe's worth, and the FIFO holds at most 1 MiB. Let the reader catch up.
sleep 2
cat_pid=$(pgrep -P "$(pgrep -P "$reader")" -x fifo || pgrep -P "$reader" -x fifo)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$cat_pid/status")
touch "$T/release"
wait "${pids[@]}"
exec 3>&-
wait "$reader"
read -r got _ maxrss < "$T/got"
[ "$got" = $((BIG * 8)) ] || { echo "short transfer: $got" >&2; exit 1; }
echo
echo "| fifo cat --frame, 8 writers each half-way through a $BIG-byte message | KiB |"
echo "|---|---:|"
echo "| the 8 half messages' bytes | $((HALF * 8 / 1024)) |"
echo "| reader's peak RSS (VmHWM) with the 8 half messages held | $hwm |"
echo "| reader's peak RSS over the whole run (8 whole messages, ru_maxrss) | $maxrss |"
