#!/usr/bin/env bash
# Framed messages against plain 4 KiB writes, through one FIFO, 1 GiB in
# 64 KiB messages:
#   dd: GNU dd bs=4096 writing the FIFO and dd bs=4096 reading it (the same
#       write pattern as framing, whole 4 KiB writes, without the frames);
#   dd_file: the same, but the writing dd reads the CLI writer's input file
#       (what reading the input costs, which dd from /dev/zero does not pay);
#   lib: fifo-core's FrameWriter into its Decoder (bench/refs/src/bin/frames.rs);
#   cli_x1, cli_x8: `fifo send --frame -l` (64 KiB lines read from a file)
#       into `fifo cat --frame` (to /dev/null, as dd's), one writer, then 8
#       concurrent writers sharing the bytes;
#   old_cli_x1: with BENCH_OLD=PATH, the same through another build of fifo
#       (the one before a change), for a before/after in the same rounds;
#   then the same CLI with 100-byte messages (BENCH_SMALL bytes of lines,
#       default 100 MiB), against the same lines sent plain (`send -l` into
#       `cat`).
# The machine is shared, so every transfer runs once per round, in an order
# that rotates from round to round, BENCH_RUNS rounds (default 11): each
# transfer's ratio to dd is taken within each round, and the table gives
# medians with the lowest and highest value in brackets
# (bench/abstats.py). Each process runs under /usr/bin/time: the writers' and
# the reader's CPU time (user+system) are reported apart, per GiB. One
# untimed run of each transfer first checks the byte count.
# Last, the peak RSS of `fifo cat --frame` while 8 writers are each half-way
# through a message of BENCH_BIG bytes (default 100 MiB).
#
#   bench/frames.sh                                  # 1 GiB, 11 rounds
#   BENCH_BIG=0 bench/frames.sh                      # no peak RSS part
#   BENCH_BYTES=268435456 BENCH_RUNS=21 BENCH_OLD=/tmp/fifo.old bench/frames.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_BYTES:-1073741824}
RUNS=${BENCH_RUNS:-11}
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

F=$T/f
# A message is a 64 KiB line (65535 bytes and its newline), read by each
# CLI writer from a file made beforehand.
LINE=$(head -c $((MESSAGE - 1)) /dev/zero | tr '\0' m)
for writers in 1 8; do
    head -c $((BYTES / writers)) < <(yes "$LINE") > "$T/lines.$writers"
done
OLD=${BENCH_OLD:-}

# The transfers: NAME|WRITERS|WRITER COMMAND|READER COMMAND|COUNT, where
# COUNT turns the reader's output into the bytes it got.
LARGE=(
    "dd|1|dd if=/dev/zero of=$F bs=4096 count=$((BYTES / 4096)) status=none|dd if=$F bs=4096 status=none|wc -c"
    "dd_file|1|dd if=$T/lines.1 of=$F bs=4096 status=none|dd if=$F bs=4096 status=none|wc -c"
    "lib|1|$PEER write-framed $F $BYTES $MESSAGE|$PEER read-framed $F|awk '{print \$2}'"
    "cli_x1|1|$FIFO send --frame -l $F < $T/lines.1|$FIFO cat --frame $F|wc -c"
    "cli_x8|8|$FIFO send --frame -l $F < $T/lines.8|$FIFO cat --frame $F|wc -c"
)
[ -z "$OLD" ] || LARGE+=("old_cli_x1|1|$OLD send --frame -l $F < $T/lines.1|$OLD cat --frame $F|wc -c")

# transfer ROUND SPEC: one transfer; with ROUND 0 the reader's output is
# counted and must be EXPECT bytes, else it goes to /dev/null and the line
# "ROUND NAME SECONDS WRITERS_CPU READER_CPU" is printed. The bench shell
# holds a write end (descriptor 3) while the writers run, so the reader sees
# no end of file between writers.
transfer() {
    local round=$1 name writers writer reader count start end i pids=() got cpu=0
    IFS='|' read -r name writers writer reader count <<< "$2"
    start=$(date +%s.%N)
    if [ "$round" = 0 ]; then
        timeout "$LIMIT" bash -c "$reader | $count" > "$T/got" &
    else
        timeout "$LIMIT" /usr/bin/time -f '%U %S' -o "$T/reader.time" bash -c "exec $reader > /dev/null" &
    fi
    local reading=$!
    exec 3> "$F"
    for i in $(seq "$writers"); do
        timeout "$LIMIT" /usr/bin/time -f '%U %S' -o "$T/writer.$i.time" bash -c "exec $writer" 3>&- &
        pids+=($!)
    done
    wait "${pids[@]}"
    exec 3>&-
    wait "$reading"
    end=$(date +%s.%N)
    if [ "$round" = 0 ]; then
        got=$(tr -d ' ' < "$T/got")
        [ "$got" = "$EXPECT" ] || { echo "$name: short transfer: $got of $EXPECT" >&2; exit 1; }
        return
    fi
    for i in $(seq "$writers"); do
        cpu=$(awk -v sum="$cpu" '{print sum + $1 + $2}' "$T/writer.$i.time")
    done
    echo "$round $name $(echo "$end - $start" | bc -l) $cpu $(awk '{print $1 + $2}' "$T/reader.time")"
}

# rounds BYTES BASE SPEC...: checks each transfer once, then runs RUNS
# rounds of all of them, in an order rotating from round to round, and
# prints the table, with ratios to the transfer named BASE (and to dd_file,
# dd reading the CLI's own input, where it ran).
rounds() {
    local round i n
    EXPECT=$1
    local base=$2
    shift 2
    n=$#
    for spec in "$@"; do transfer 0 "$spec"; done
    for round in $(seq "$RUNS"); do
        for i in $(seq 0 $((n - 1))); do
            transfer "$round" "${@:$(((i + round) % n + 1)):1}"
        done
    done > "$T/runs"
    python3 bench/abstats.py --bytes "$EXPECT" --base "$base" --base dd_file < "$T/runs"
}

echo "$BYTES bytes in 64 KiB messages, $(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg) before:"
echo
rounds "$BYTES" dd "${LARGE[@]}"

# Small messages: SMALL bytes of 100-byte lines, framed, against the same
# lines sent plain (`send -l` packs whole lines into writes of up to
# PIPE_BUF bytes, `cat` moves them as they come).
SMALL=${BENCH_SMALL:-104857600}
LINE=$(head -c 99 /dev/zero | tr '\0' s)
head -c "$SMALL" < <(yes "$LINE") > "$T/small"
SMALLS=(
    "plain|1|$FIFO send -l $F < $T/small|$FIFO cat $F|wc -c"
    "cli_x1|1|$FIFO send --frame -l $F < $T/small|$FIFO cat --frame $F|wc -c"
)
[ -z "$OLD" ] || SMALLS+=("old_cli_x1|1|$OLD send --frame -l $F < $T/small|$OLD cat --frame $F|wc -c")
echo
echo "$SMALL bytes in 100-byte messages (lines), load average $(cut -d' ' -f1-3 /proc/loadavg) before:"
echo
rounds "$SMALL" plain "${SMALLS[@]}"
echo

# Peak memory: 8 writers each send the first half of a BENCH_BIG message and
# wait; the reader then holds 8 half messages. Its VmHWM is read from /proc
# at that point, then the writers finish and the reader's own peak (from
# getrusage) is reported at the end.
BIG=${BENCH_BIG:-104857600}
[ "$BIG" -gt 0 ] || exit 0
export FIFO
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
