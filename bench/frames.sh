#!/usr/bin/env bash
# Framed messages against plain 4 KiB writes, through one FIFO, in one run:
#   1. framed: fifo-core's FrameWriter (64 KiB messages, 4096-byte chunks,
#      one write each) into its Decoder (bench/refs/src/bin/frames.rs);
#   2. the same program's plain loop: 4096-byte writes, 4096-byte reads;
#   3. GNU dd bs=4096 writing the FIFO and dd bs=4096 reading it.
# Prints a Markdown table: median of BENCH_RUNS runs, MB/s, and each rate
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
PEER=$PWD/target/release/frames

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
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
