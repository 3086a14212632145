# Sourced by bench scripts, from the checkout's root, after their settings
# (BYTES): builds the release fifo (its path in FIFO), makes a scratch
# directory T (removed at exit unless BENCH_KEEP is set, to look into
# afterwards), and writes BYTES random bytes to $T/data.
cargo build --release --locked --quiet --bin fifo -p fifo-cli
FIFO=$PWD/target/release/fifo
T=$(mktemp -d)
trap '[ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"' EXIT
head -c "$BYTES" /dev/urandom > "$T/data"
