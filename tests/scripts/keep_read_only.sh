# cat -k needs only read permission: uid 65534 reads root's mode 0644 FIFO
# across writers that come and go, plain and framed, and every writer's
# bytes arrive exactly once (checksums). The reader opens the FIFO again
# for reading before it closes the old descriptor, so the pipe always has a
# reader and what waits in it is kept; it never opens a write end.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root
need python3

"$F" mk -m 644 q
for i in 1 2 3 4 5; do
    head -c $((100000 + i * 37171)) /dev/urandom > "in.$i"
done
total=$(cat in.? | wc -c)
touch out err
chown 65534 out err
spawn "${AS_NOBODY[@]}" bash -c "exec '$F' cat -k q > out 2> err"
reader=$SPAWNED
blocked_in_open "$reader"
# Five writers in turn: each starts after the last has gone.
for i in 1 2 3 4 5; do
    run bash -c "cat in.$i > q"
    eq 0 "$STATUS" "writer $i of 5: status"
done
has_all() { [ "$(stat -c %s out)" -ge "$total" ]; }
wait_until 20 "the reader to have every byte" has_all
kill -TERM "$reader"
finish "$reader"
eq 143 "$STATUS" "the reader ends with SIGTERM"
eq "" "$(cat err)" "the read-only -k reader says nothing"
eq "$(cat in.? | sha256sum)" "$(sha256sum < out)" "five writers in turn: every byte once, in order"

# Framed: two rounds of four concurrent writers, 1000 messages each.
random_lines 1000 a b c d
: > out
: > err
spawn "${AS_NOBODY[@]}" bash -c "exec '$F' cat --frame -k q > out 2> err"
reader=$SPAWNED
blocked_in_open "$reader"
for round in 1 2; do
    writers=()
    for w in a b c d; do
        spawn "$F" send --frame -l q < "in.$w"
        writers+=("$SPAWNED")
    done
    for w in "${writers[@]}"; do
        finish "$w"
        eq 0 "$STATUS" "round $round: a framed writer's status"
    done
done
want=$(( 2 * $(cat in.a in.b in.c in.d | wc -l) ))
has_lines() { [ "$(wc -l < out)" -ge "$want" ]; }
wait_until 20 "the framed reader to have every message" has_lines
kill -TERM "$reader"
finish "$reader"
eq 143 "$STATUS" "the framed reader ends with SIGTERM"
eq "" "$(cat err)" "the read-only framed -k reader says nothing"
eq "$(cat in.a in.b in.c in.d in.a in.b in.c in.d | sort | sha256sum)" "$(sort out | sha256sum)" \
    "two rounds of four framed writers: every message once, whole"
