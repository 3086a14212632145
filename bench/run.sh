#!/usr/bin/env bash
# Benchmarks fifo against GNU coreutils and minimal reference programs
# (bench/refs/src/bin/ref_*.rs), on the same machine in the same run.
# Prints a Markdown report: medians of BENCH_RUNS runs, MB/s and ratios.
#
#   bench/run.sh                      # 4 GiB per transfer, 5 runs each
#   BENCH_BYTES=1073741824 BENCH_RUNS=3 bench/run.sh
#
# Every transfer is bounded by `timeout`. Byte counts are checked on every
# run where a counting reader is used, and checksums once per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."

BYTES=${BENCH_BYTES:-4294967296}
RUNS=${BENCH_RUNS:-5}
RSS_BYTES=${BENCH_RSS_BYTES:-10737418240}
RECORDS=${BENCH_RECORDS:-1000000}
LIMIT=600

cargo build --release --locked --quiet --bin fifo -p fifo-cli
cargo build --release --locked --quiet -p fifo-bench-refs
BIN=$PWD/target/release
FIFO=$BIN/fifo
WRITER=$BIN/ref_vmsplice_writer
READER=$BIN/ref_splice_reader
FANOUT=$BIN/ref_tee_fanout
RECORD=$BIN/ref_record_writer
export FIFO WRITER READER FANOUT RECORD BYTES

T=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$T"' EXIT
cd "$T"
export T

# fresh_run: an empty directory run/ holding the FIFOs f, g and h that
# every snippet uses.
fresh_run() {
    rm -rf run && mkdir run && mkfifo run/f run/g run/h
}

# seconds SNIPPET: wall time of one run of a bash snippet in fresh_run.
seconds() {
    fresh_run
    local start end
    start=$(date +%s.%N)
    (cd run && timeout "$LIMIT" bash -c "$1")
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

# median SNIPPET: the median of RUNS runs, in seconds.
median() {
    local i
    for i in $(seq "$RUNS"); do seconds "$1"; done | sort -g | sed -n "$(((RUNS + 1) / 2))p"
}

# counted SNIPPET: runs SNIPPET, which leaves byte counts in run/count.*;
# each must be BYTES.
check_counts() {
    local file
    for file in run/count.*; do
        [ "$(cat "$file")" = "$BYTES" ] || { echo "bench: $file holds $(cat "$file"), not $BYTES" >&2; exit 1; }
    done
}

mbps() { echo "$BYTES / $1 / 1000000" | bc -l | xargs printf '%.0f'; }
# ratio BASE_SECONDS SECONDS: how many times faster than the base.
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.2f'; }

# scenario TITLE NAME=SNIPPET...: times each snippet, prints rows with the
# ratio to the first one.
scenario() {
    local title=$1
    shift
    echo
    echo "### $title"
    echo
    echo "| program | median s | MB/s | speed vs first |"
    echo "|---|---|---|---|"
    local base="" entry name snippet t
    for entry in "$@"; do
        name=${entry%%=*}
        snippet=${entry#*=}
        t=$(median "$snippet")
        check_counts
        [ -n "$base" ] || base=$t
        printf '| %s | %.3f | %s | %s |\n' "$name" "$t" "$(mbps "$t")" "$(ratio "$base" "$t")"
    done
}

# Checksums, once per data path: what the writer sends must arrive.
want=$("$WRITER" "$BYTES" | sha256sum)
checksum() {
    fresh_run
    local got
    got=$(cd run && timeout "$LIMIT" bash -c "$1")
    if [ "$(echo "$got" | sort -u)" != "$want" ]; then
        echo "bench: checksum mismatch for: $1" >&2
        echo "$got" >&2
        exit 1
    fi
}
checksum '"$WRITER" $BYTES | "$FIFO" send f & "$FIFO" cat f | sha256sum; wait'
checksum '"$WRITER" $BYTES > f & "$FIFO" cat f | sha256sum; wait'
checksum '"$WRITER" $BYTES | "$FIFO" tee f g | sha256sum & sha256sum < f & sha256sum < g; wait'
checksum '"$WRITER" $BYTES | "$FIFO" send --no-splice f & "$FIFO" cat --no-splice f | sha256sum; wait'

echo "## fifo benchmarks"
echo
echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r)"
echo "- GNU coreutils $(cat --version | head -1 | awk '{print $NF}'), pipe-max-size $(cat /proc/sys/fs/pipe-max-size)"
echo "- $BYTES bytes per transfer, median of $RUNS runs; checksums verified for send|cat, cat, tee, and the no-splice path"
echo "- command: \`BENCH_BYTES=$BYTES BENCH_RUNS=$RUNS bench/run.sh\`"

scenario "Both ends of one FIFO (writer: ref vmsplice into a pipe)" \
    'GNU cat > F, cat F=   "$WRITER" $BYTES | cat > f & cat f | "$READER" > count.r; wait' \
    'fifo send F, fifo cat F="$WRITER" $BYTES | "$FIFO" send f & "$FIFO" cat f | "$READER" > count.r; wait' \
    'ref vmsplice > F, ref splice reader F="$WRITER" $BYTES > f & "$READER" f > count.r; wait'

scenario "Reader only (ref vmsplice writer into the FIFO)" \
    'GNU cat F=        "$WRITER" $BYTES > f & cat f | "$READER" > count.r; wait' \
    'fifo cat F=       "$WRITER" $BYTES > f & "$FIFO" cat f | "$READER" > count.r; wait' \
    'ref splice reader F="$WRITER" $BYTES > f & "$READER" f > count.r; wait'

writers=(
    'GNU cat > F=   "$WRITER" $BYTES | cat > f & "$READER" f > count.r; wait'
    'fifo send F=   "$WRITER" $BYTES | "$FIFO" send f & "$READER" f > count.r; wait'
    'ref vmsplice > F="$WRITER" $BYTES > f & "$READER" f > count.r; wait'
)
# pv splices too; compare with it when it is installed.
if command -v pv > /dev/null; then
    writers+=('pv -q > F=     "$WRITER" $BYTES | pv -q > f & "$READER" f > count.r; wait')
fi
scenario "Writer only (ref splice reader on the FIFO)" "${writers[@]}"

scenario "Fan-out to two FIFOs + stdout (ref splice readers on all three)" \
    'GNU tee=       "$WRITER" $BYTES | tee f g | "$READER" > count.o & "$READER" f > count.f & "$READER" g > count.g; wait' \
    'fifo tee=      "$WRITER" $BYTES | "$FIFO" tee f g | "$READER" > count.o & "$READER" f > count.f & "$READER" g > count.g; wait' \
    'ref tee(2) fan-out="$WRITER" $BYTES | "$FANOUT" f g | "$READER" > count.o & "$READER" f > count.f & "$READER" g > count.g; wait'

# Small messages: 1 KiB records through one FIFO into fifo cat.
python3 -c 'import sys; sys.stdout.write(("r" * 1023 + "\n") * int(sys.argv[1]))' "$RECORDS" > records
export RECORDS
echo
echo "### 1 KiB records into fifo cat ($RECORDS records)"
echo
echo "| writer | median s | records/s | speed vs first |"
echo "|---|---|---|---|"
rm -f run/count.*
t_ref=$(median '"$RECORD" f $RECORDS 1024 & "$FIFO" cat f > /dev/null; wait')
t_fifo=$(median '"$FIFO" send -l f < "$T/records" & "$FIFO" cat f > /dev/null; wait')
lines=$(fresh_run && cd run && timeout "$LIMIT" bash -c '"$FIFO" send -l f < "$T/records" & "$FIFO" cat f | wc -l; wait')
[ "$lines" = "$RECORDS" ] || { echo "bench: $lines records arrived, not $RECORDS" >&2; exit 1; }
rate() { echo "$RECORDS / $1" | bc -l | xargs printf '%.0f'; }
printf '| ref: one write() per record | %.3f | %s | 1.00 |\n' "$t_ref" "$(rate "$t_ref")"
printf '| fifo send -l | %.3f | %s | %s |\n' "$t_fifo" "$(rate "$t_fifo")" "$(ratio "$t_ref" "$t_fifo")"
echo
echo "(ipc-bench's published FIFO figure: 254,880 1 KiB messages/s on an i5-4590S.)"

# Peak memory: GNU time's maximum resident set size.
echo
echo "### Peak RSS (KiB) while moving data"
echo
echo "| command | $((RSS_BYTES / 1073741824)) GiB | 1 GiB |"
echo "|---|---|---|"
peak() {
    fresh_run
    (cd run && timeout "$LIMIT" bash -c "$1" 2>&1 >/dev/null | grep -o 'RSS=[0-9]*' | cut -d= -f2)
}
for size in "$RSS_BYTES" 1073741824; do
    export SIZE=$size
    cat_kb+=("$(peak '"$WRITER" $SIZE > f & /usr/bin/time -f RSS=%M "$FIFO" cat f > /dev/null; wait')")
    send_kb+=("$(peak '"$WRITER" $SIZE | /usr/bin/time -f RSS=%M "$FIFO" send f & "$READER" f > /dev/null; wait')")
    tee_kb+=("$(peak '"$WRITER" $SIZE | /usr/bin/time -f RSS=%M "$FIFO" tee f g | "$READER" > /dev/null & "$READER" f > /dev/null & "$READER" g > /dev/null; wait')")
done
echo "| fifo cat | ${cat_kb[0]} | ${cat_kb[1]} |"
echo "| fifo send | ${send_kb[0]} | ${send_kb[1]} |"
echo "| fifo tee (2 FIFOs + stdout) | ${tee_kb[0]} | ${tee_kb[1]} |"

# Start-up: fifo stat against coreutils stat on one FIFO, with the default
# output (which scans /proc for the FIFO's holders) and with a format that
# shows no live state (no scan).
echo
echo "### Start-up: 500 × stat of one FIFO ($(ls /proc | grep -c '^[0-9]') processes in /proc)"
echo
mkfifo startup
seconds_for() {
    { time (for _ in $(seq 500); do "$@" > /dev/null; done); } 2>&1 |
        awk '/real/ {split($2, a, "m"); sub("s", "", a[2]); print a[1] * 60 + a[2]}'
}
echo "| command | ms per call | time vs coreutils stat |"
echo "|---|---|---|"
t_stat=$(seconds_for stat startup)
printf '| coreutils stat | %.2f | 1.00 |\n' "$(echo "$t_stat * 2" | bc -l)"
t_fifo=$(seconds_for "$FIFO" stat startup)
printf '| fifo stat (with holders from /proc) | %.2f | %s |\n' "$(echo "$t_fifo * 2" | bc -l)" "$(echo "$t_fifo / $t_stat" | bc -l | xargs printf '%.2f')"
t_stat=$(seconds_for stat -c '%A %n' startup)
t_fifo=$(seconds_for "$FIFO" stat -c '%A %n' startup)
printf '| stat -c %%A %%n vs fifo stat -c %%A %%n (no /proc scan) | %.2f vs %.2f | %s |\n' "$(echo "$t_stat * 2" | bc -l)" "$(echo "$t_fifo * 2" | bc -l)" "$(echo "$t_fifo / $t_stat" | bc -l | xargs printf '%.2f')"
