#!/usr/bin/env bash
# Rate accuracy of --rate-limit (issue 17: "accurate within a few percent
# over 10 s at rates from 1 KiB/s to 1 GiB/s"): `fifo cat`, `send` and `tee`
# at each rate, on the splice path and the portable read/write path
# (--no-splice), each read by bench/meter.py for BENCH_SECONDS from its first
# byte. Beside it, what each moves unlimited over the same kind of window
# (what the machine can do at all), and the burst after a stall: the reader
# is stopped (SIGSTOP) for 2 s and continued, `fifo send --rate-limit R`
# beside `pv -q -L R`, both writing into the same FIFO of 64 KiB.
# Prints a Markdown report; medians of BENCH_RUNS runs, interleaved.
#
#   bench/rate.sh                                     # 10 s windows, 3 runs
#   BENCH_SECONDS=3 BENCH_RUNS=1 BENCH_RATES="1K 1M" bench/rate.sh
#   BENCH_FIFO=/tmp/fifo-old BENCH_STALL_RATES= bench/rate.sh   # another build
#
# The input is /dev/zero (spliced from on Linux ≥ 6.5, so the splice path
# stays a splice path at any rate and no 10 GiB file is needed); the bytes'
# values do not matter to a rate. Every process runs under `timeout`.
set -euo pipefail
cd "$(dirname "$0")/.."

WINDOW=${BENCH_SECONDS:-10}
RUNS=${BENCH_RUNS:-3}
RATES=${BENCH_RATES:-1K 64K 1M 100M 1G}
STALL_RATES=${BENCH_STALL_RATES-1M 10M}
UNLIMITED=3
LIMIT=$((WINDOW + 30))

# BENCH_FIFO: another build of fifo to measure (e.g. an older commit's).
if [ -n "${BENCH_FIFO:-}" ]; then
    FIFO=$BENCH_FIFO
else
    cargo build --release --locked --quiet --bin fifo -p fifo-cli
    FIFO=$PWD/target/release/fifo
fi
METER=$PWD/bench/meter.py

T=$(mktemp -d)
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"' EXIT

# bytes RATE: RATE (K, M, G binary, as fifo parses it) in bytes.
bytes() {
    local n=${1%[KMG]}
    case $1 in
    *K) echo $((n << 10)) ;;
    *M) echo $((n << 20)) ;;
    *G) echo $((n << 30)) ;;
    *) echo "$n" ;;
    esac
}

# one TOOL ENGINE RATE SECONDS: one window of TOOL (cat, send, tee) on
# ENGINE (splice, portable) at RATE ("" for none). Prints a line per reader:
# "BYTES STEADY SECONDS CPU" (CPU: the limiter's seconds, the same on both
# of tee's lines).
one() {
    local tool=$1 engine=$2 rate=$3 window=$4 opts=()
    [ -n "$rate" ] && opts+=(--rate-limit "$rate")
    [ "$engine" = portable ] && opts+=(--no-splice)
    # The limiter's complaint when the meter leaves (EPIPE) goes to a log.
    local run=(timeout "$LIMIT" python3 "$METER" --cpu "$T/cpu" "$FIFO" "$tool" "${opts[@]}")
    local meter=(timeout "$LIMIT" python3 "$METER")
    rm -f "$T/p" "$T/cpu" "$T/a" "$T/b"
    case $tool in
    cat)
        "${run[@]}" /dev/zero 2>> "$T/log" | "${meter[@]}" - "$window" > "$T/a" || true
        ;;
    send)
        "$FIFO" mk "$T/p"
        "${run[@]}" "$T/p" < /dev/zero 2>> "$T/log" &
        local sender=$!
        "${meter[@]}" "$T/p" "$window" > "$T/a"
        wait "$sender" || true
        ;;
    tee)
        "$FIFO" mk "$T/p"
        "${meter[@]}" "$T/p" "$window" > "$T/b" &
        local fifo_reader=$!
        timeout "$LIMIT" "$FIFO" cat /dev/zero 2>> "$T/log" | "${run[@]}" "$T/p" 2>> "$T/log" |
            "${meter[@]}" - "$window" > "$T/a" || true
        wait "$fifo_reader" || true
        ;;
    esac
    local cpu
    cpu=$(cat "$T/cpu")
    for out in "$T/a" "$T/b"; do
        [ -e "$out" ] || continue
        [ -s "$out" ] || { echo "bench: $tool $engine $rate: no reading" >&2; exit 1; }
        echo "$(cat "$out") $cpu"
    done
}

# each_tool NAME RATE SECONDS: one window of every tool on every engine at
# RATE ("" for none), their lines added to the results under NAME.
each_tool() {
    local tool engine
    for tool in cat send tee; do
        for engine in splice portable; do
            one "$tool" "$engine" "$2" "$3" |
                sed "1s/^/$tool $engine $1 /; 2s/^/$tool-fifo $engine $1 /" >> "$T/results"
        done
    done
}

# Runs interleaved: every run goes through all rates, tools and engines.
: > "$T/results"
for run in $(seq "$RUNS"); do
    each_tool unlimited "" "$UNLIMITED"
    for rate in $RATES; do
        each_tool "$rate" "$rate" "$WINDOW"
    done
done

# median KEY WHAT: the median over the result lines ("TOOL ENGINE RATE
# BYTES PACED PACED_SECONDS SECONDS CPU RSS") starting with KEY of WHAT:
# 3 = bytes per second over the window, 4 = the pace (see bench/meter.py),
# 6 = CPU seconds.
median() {
    grep "^$1 " "$T/results" | awk -v c="$2" '{
        if (c == 3) v = $4 / $7; else if (c == 4) v = $5 / $6; else v = $8
        printf "%.3f\n", v }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo "## Rate accuracy of --rate-limit (issue 17)"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- input /dev/zero; reader bench/meter.py (splices into /dev/null); ${WINDOW} s windows from the first byte, median of $RUNS runs, interleaved"
echo "- command: \`${BENCH_FIFO:+BENCH_FIFO=$BENCH_FIFO }BENCH_SECONDS=$WINDOW BENCH_RUNS=$RUNS BENCH_RATES=\"$RATES\" BENCH_STALL_RATES=\"$STALL_RATES\" bench/rate.sh\`"
echo
echo "### Unlimited (what the machine moves, ${UNLIMITED} s windows)"
echo
echo "| command | engine | MiB/s | CPU s per GiB |"
echo "|---|---|---|---|"
for tool in cat send tee tee-fifo; do
    for engine in splice portable; do
        speed=$(median "$tool $engine unlimited" 3)
        cpu=$(median "$tool $engine unlimited" 6)
        printf '| %s | %s | %.0f | %.3f |\n' "${tool/-fifo/ (its FIFO)}" "$engine" \
            "$(echo "$speed / 1048576" | bc -l)" "$(echo "$cpu / ($speed * $UNLIMITED / 1073741824)" | bc -l)"
    done
done
echo
echo "### At each rate: bytes over the window against the limit"
echo
echo "\"${WINDOW} s\" is every byte from the first over the window: the bucket starts"
echo "full, so a tenth of a second's worth comes at once, and below 10 MiB/s each"
echo "chunk is a tenth of a second's worth, so the count is off by up to one chunk"
echo "(1 %) at either end. \"paced\" is the bytes after the first second over the"
echo "time from the last read of that second to the last read (bench/meter.py):"
echo "the limiter's steady pace."
echo
echo "| command | engine | limit | ${WINDOW} s: B/s | error | paced: B/s | error | limiter CPU s |"
echo "|---|---|---|---|---|---|---|---|"
for rate in $RATES; do
    want=$(bytes "$rate")
    for tool in cat send tee tee-fifo; do
        for engine in splice portable; do
            key="$tool $engine $rate"
            got=$(median "$key" 3)
            paced=$(median "$key" 4)
            printf '| %s | %s | %s | %.0f | %+.2f %% | %.0f | %+.2f %% | %.2f |\n' \
                "${tool/-fifo/ (its FIFO)}" "$engine" "$rate" "$got" \
                "$(echo "($got / $want - 1) * 100" | bc -l)" "$paced" \
                "$(echo "($paced / $want - 1) * 100" | bc -l)" "$(median "$key" 6)"
        done
    done
done

# stall WRITER RATE: the burst after a 2 s SIGSTOP of the reader of a
# 64 KiB FIFO that WRITER (fifo, pv) fills at RATE; prints "AFTER BEFORE
# GAP" (bytes in the 0.5 s after the stop, in the 0.5 s before it, the
# stop's length).
stall() {
    rm -f "$T/p"
    "$FIFO" mk "$T/p"
    timeout "$LIMIT" python3 "$METER" --stall "$T/p" 6 0.5 > "$T/stall" &
    local reader=$!
    # fifo opens the FIFO itself: `send --capacity 64K /dev/stdout` on a
    # FIFO as stdout leaves the pipe at 1 MiB (stdout is raised after).
    if [ "$1" = fifo ]; then
        timeout "$LIMIT" "$FIFO" send --rate-limit "$2" --capacity 64K "$T/p" < /dev/zero 2>> "$T/log" &
    else
        timeout "$LIMIT" pv -q -L "$2" < /dev/zero > "$T/p" 2>> "$T/log" &
    fi
    local writer=$!
    sleep 2
    # The meter itself, not the timeout that watches it.
    local meter
    meter=$(pgrep -P "$reader")
    kill -STOP "$meter"
    sleep 2
    kill -CONT "$meter"
    wait "$reader"
    wait "$writer" || true
    cat "$T/stall"
}

echo
echo "### The burst after a stall"
echo
echo "The reader of a 64 KiB FIFO reads at the limit for 2 s, is stopped (SIGSTOP)"
echo "for 2 s while the writer blocks on the full pipe, and is continued; bytes it"
echo "gets in the 0.5 s after, against the 0.5 s before. What the pipe held (64 KiB)"
echo "comes at once in any case. Median of $RUNS runs."
echo
echo "| writer | limit | 0.5 s before | 0.5 s after | after − pipe, in seconds at the limit |"
echo "|---|---|---|---|---|"
for rate in $STALL_RATES; do
    want=$(bytes "$rate")
    for writer in fifo pv; do
        for run in $(seq "$RUNS"); do
            stall "$writer" "$rate"
        done | sort -g | sed -n "$(((RUNS + 1) / 2))p" > "$T/median"
        read -r after before _ < "$T/median"
        name="fifo send --rate-limit $rate --capacity 64K"
        [ $writer = pv ] && name="pv -q -L $rate"
        printf '| %s | %s | %d | %d | %.2f |\n' "$name" "$rate" "$before" "$after" \
            "$(echo "($after - 65536) / $want" | bc -l)"
    done
done
