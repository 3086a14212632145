# fifo hold by a user over fs.pipe-user-pages-soft (new pipes get 8 KiB, and
# may not be raised): the default hold still holds, with the pipe it gets;
# --capacity it cannot have fails before anything is made or held.
# needs: root linux
source "$(dirname "$0")/lib.sh"
need_root
PRESSED=(setpriv --reuid=64994 --regid=64994 --clear-groups)
mkdir -m 777 work
cd work
start_pipe_hog "${PRESSED[@]}"
run "${PRESSED[@]}" "$F" hold -b --create -v small
eq 0 "$STATUS" "the default hold holds under pressure ($ERR)"
PIDS+=("$OUT")
eq "fifo hold: 'small': pipe capacity $SMALL bytes" "$ERR" "-v says the capacity it got"
run "${PRESSED[@]}" "$F" send --no-wait small queued
eq "0 " "$STATUS $ERR" "a writer without a reader is taken"
run "${PRESSED[@]}" "$F" hold --stop small
eq 1 "$STATUS" "--stop reports the 7 bytes lost"
expect_fail 1 "fifo hold: 'big': cannot set the pipe capacity to 1048576 bytes: Operation not permitted" \
    "${PRESSED[@]}" "$F" hold -b --create --capacity 1M big
[ ! -e big ] || fail "a refused --capacity left big behind"
ok "a refused --capacity makes and holds nothing"
