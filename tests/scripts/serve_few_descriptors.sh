# fifo serve with very few file descriptors (ulimit -n 6 to 17): each
# either stops at once with one line saying what it lacked (status 1,
# nothing left beside the FIFO, nothing in TMPDIR), or serves, and then a
# call is answered: run, or refused saying it lacked descriptors. Under ulimit -n 10 serve could keep no descriptor spare to refuse a
# call with; it spun on accept(2) (a core at 100%) and the caller waited
# for ever. Under 9 it said its stash directory was "swapped as it was
# made" (the open had failed for want of a descriptor), and made another
# one beside it; under 15 and 16 a job refused for want of a pipe for its
# input was said to have failed writing "standard input" (serve's own).
# needs: linux
source "$(dirname "$0")/lib.sh"

export TMPDIR=$T/tmp
mkdir "$TMPDIR"
mkdir d
"$F" mk d/q
stopped=() served=()
for n in 6 7 8 9 10 11 12 13 14 15 16 17; do
    spawn bash -c "ulimit -n $n && exec '$F' serve -n 1 d/q -- tr a-z A-Z 2> serve.err"
    server=$SPAWNED
    started_or_ended() { call_socket_ready d/q.sock || ! alive "$server"; }
    wait_until 60 "serve under ulimit -n $n to start or end" started_or_ended
    if call_socket_ready d/q.sock; then
        run "$F" call -t 60s d/q hello
        # Run, or refused with the reason (no descriptor to take the call
        # with, or none for the request's job).
        case "$STATUS $OUT $ERR" in
        "0 HELLO ") ;;
        "1  fifo call: 'd/q': the server did not run the call: "*"Too many open files"*) ;;
        *) fail "ulimit -n $n: the call got [$STATUS] [$OUT] [$ERR]" ;;
        esac
        # The job's input pipe is not serve's own standard input.
        [[ "$ERR" != *": standard input: "* ]] || fail "ulimit -n $n: the refusal names serve's stdin: $ERR"
        # A call refused for want of descriptors is not one of -n 1's.
        if pid=$(fifo_pid "$server"); then kill -TERM "$pid" 2> /dev/null || true; fi
        finish "$server"
        [[ "$STATUS" =~ ^(0|1|143)$ ]] || fail "ulimit -n $n: serve ended $STATUS ($(cat serve.err))"
        served+=("$n")
    else
        finish "$server"
        [ "$STATUS" = 1 ] || fail "ulimit -n $n: serve ended $STATUS ($(cat serve.err))"
        [ "$(wc -l < serve.err)" = 1 ] || fail "ulimit -n $n: not one line: [$(cat serve.err)]"
        grep -q 'Too many open files$' serve.err || fail "ulimit -n $n: the line does not say why: $(cat serve.err)"
        ! grep -q swapped serve.err || fail "ulimit -n $n: a want of descriptors called a swap: $(cat serve.err)"
        stopped+=("$n")
    fi
    eq "q" "$(ls -A d)" "ulimit -n $n: nothing is left beside the FIFO"
    [ -z "$(ls -A "$TMPDIR")" ] || [ "$(ls -A "$TMPDIR")" = "fifo-$(id -u)" ] ||
        fail "ulimit -n $n: TMPDIR holds $(ls -A "$TMPDIR")"
done
((${#stopped[@]} > 0)) || fail "no ulimit -n here was too few to start: ${served[*]}"
((${#served[@]} > 0)) || fail "no ulimit -n here served: ${stopped[*]}"
ok "too few to start: ${stopped[*]}; served: ${served[*]}"
