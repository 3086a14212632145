# A hold of several FIFOs whose later PATH fails lets go of those it held
# already, and says what their pipes lose: bytes a writer sent into the
# first meanwhile were dropped without a word (status 1 only for the
# second's failure). strace stops the hold right after it opened the first
# FIFO; a writer sends into it and leaves while it is stopped.
# needs: linux strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"

"$F" mk first
echo plain > second
lost="fifo hold: 'first': 4 bytes still in the pipe are lost: no other process holds it"
spawn_stopping openat "$F" hold first second 2> hold.err
stop_after '^openat\(.*"first", O_RDWR' "the hold opening first"
"$F" send --no-wait first 'bye'
finish_stopping
eq 1 "$STATUS" "the hold fails for second"
eq "fifo hold: 'second': not a fifo (it is a regular file)
$lost" "$(cat hold.err)" "it says why, and what first lost"

# --create --rm: the same, and first, made by the hold, is removed.
rm first
spawn_stopping openat "$F" hold --create --rm first second 2> hold.err
stop_after '^openat\(.*"first", O_RDWR' "the hold opening first"
"$F" send --no-wait first 'bye'
finish_stopping
eq 1 "$STATUS" "the hold --create --rm fails for second"
eq "fifo hold: 'second': already exists and is not a fifo (it is a regular file)
$lost" "$(cat hold.err)" "it says why, and what first lost"
[ ! -e first ] || fail "--rm left first behind"
ok "--rm removed first"
