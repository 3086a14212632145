#!/usr/bin/env bash
# The fast paths against their physical limits, side by side in one run:
#
#   - `fifo tee F G` (stdin -> 2 FIFOs + stdout) against ref_tee_fanout, which
#     tee(2)s each round into every output but the last and splices it into
#     the last;
#   - `fifo cat F > /dev/null` against ref_splice_reader F (splice into
#     /dev/null through a 1 MiB pipe);
#   - `fifo stat F` among BENCH_PROCS extra processes, against `fuser F` and
#     `lsof -nP F`;
#   - a `fifo call` round trip through `fifo serve -- cat`, against its floor
#     (starting the caller and the job: a run of `fifo --version` plus a run
#     of `cat`) and against socat's UNIX-CONNECT to a fork/exec `cat`.
#
# Every figure is a median of BENCH_RUNS runs, the programs compared taking
# turns within each run so that a busy machine slows both alike. Byte counts
# are checked on every transfer. Prints Markdown.
#
#   bench/limits.sh
#   BENCH_BYTES=1073741824 BENCH_RUNS=3 BENCH_PROCS=2000 BENCH_CALLS=200 bench/limits.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in fuser lsof socat; do
    command -v "$tool" > /dev/null || { echo "bench/limits.sh: $tool is needed" >&2; exit 1; }
done
cargo build --release --locked --quiet --bin fifo -p fifo-cli
cargo build --release --locked --quiet -p fifo-bench-refs
BIN=$PWD/target/release
export FIFO=$BIN/fifo WRITER=$BIN/ref_vmsplice_writer READER=$BIN/ref_splice_reader \
    FANOUT=$BIN/ref_tee_fanout
export BYTES=${BENCH_BYTES:-2147483648} RUNS=${BENCH_RUNS:-5} PROCS=${BENCH_PROCS:-2000} \
    CALLS=${BENCH_CALLS:-200}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
exec python3 "$OLDPWD/bench/limits.py"
