# A Go reader and writer (tests/peers, built with Debian's
# golang-go) with fifo on the other end.
# needs: go
source "$(dirname "$0")/lib.sh"
PEERS=$SCRIPTS/../peers

# The Go reader and writer (Debian's golang-go).
# The suite must pass on a machine with only a Rust toolchain; CI installs
# golang-go and requires it.
need go
export GOCACHE="$T/gocache" GOPATH="$T/gopath" GOFLAGS=-mod=mod GO111MODULE=off
go build -o go-reader "$PEERS/reader.go"
go build -o go-writer "$PEERS/writer.go"
spawn bash -c "./go-reader gofifo > go-read"
reader=$SPAWNED
wait_until 10 "gofifo to exist as a FIFO" test -p gofifo
eq 600 "$(mode_of gofifo)" "the Go reader makes its FIFO 0600"
printf 'Go' | timeout 20 "$F" send gofifo
finish "$reader"
eq "read : 71
read : 111" "$(cat go-read)" "the Go reader got what fifo send wrote"
"$F" mk gowrite
spawn ./go-writer gowrite 256
writer=$SPAWNED
eq "$(python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)))' | sha256sum)" \
   "$(timeout 20 "$F" cat gowrite | sha256sum)" "fifo cat got bytes 0..255 from the Go writer"
finish "$writer"
eq 0 "$STATUS" "the Go writer exits 0"
