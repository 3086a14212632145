# README.md's "Messages of any size" example (run as written by readme.sh), with
# the message's content checked too.
# needs: python3
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T

"$F" mk docs
spawn bash -c "'$F' cat --frame --json docs > messages"
reader=$SPAWNED
sent=0
seq 100000 | timeout 20 "$F" send --frame docs 2> send.err || sent=$?
finish "$reader"
# Both ends' status and words, so that a failure says which end stopped.
eq "0 0" "$sent $STATUS" "the writer and then the reader end with 0 (send: $(cat send.err))"
eq '"size":588895' "$(grep -o '"size":[0-9]*' messages)" "README: one message of 588895 bytes"
eq "$(seq 100000 | python3 -c 'import json, sys; print(json.dumps(sys.stdin.read()))')" \
    "$(python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["data"]))' messages)" \
    "the message is seq's whole output"
