# Sourced (after lib.sh) by scenarios that race another user against fifo:
# holds fifo right after a system call, as a debugger would, so that the
# attacker acts in the window every time. A delay (strace's delay_exit) is
# a window a busy machine can miss; a stop is a gate: the scenario acts,
# then lets fifo go on.
#
#   spawn_stopping SYSCALL CMD...   spawns CMD under strace, which stops it
#                                   (SIGSTOP) each time SYSCALL returns
#   next_stop WHAT                  waits until it is stopped; sets STOPPED
#                                   (the process) and STOP_CALL (the trace's
#                                   line for the call it stopped after, as
#                                   "mknodat(...) = 0", without the pid)
#   stop_after REGEX WHAT           the same, going on through the stops
#                                   until the call matches REGEX
#   go_on                           lets it go on
#   finish_stopping [CMD...]        lets it go on to its end (running CMD
#                                   at each stop on its way); sets STATUS
#
# SYSCALL may be a list (mkdir,unlink), as strace's -e trace= takes it.

# stopping_strace SYSCALL: sets STRACE_STOPPING, the strace command that
# stops what it runs after each SYSCALL, for a command spawned some other
# way (inside an exec: bridge); set STOPPING to the process whose end means
# the traced command's end.
stopping_strace() {
    need strace
    STOPS=$T/stops.$RANDOM$RANDOM
    STOPS_SEEN=0
    STOPPED=
    : > "$STOPS"
    STRACE_STOPPING=(strace -f -qq -o "$STOPS" -e trace="$1" -e inject="$1":signal=SIGSTOP)
}

# spawn_stopping SYSCALL CMD...: see above; SPAWNED is strace's timeout.
spawn_stopping() {
    stopping_strace "$1"
    shift
    SPAWN_TIMEOUT=${SPAWN_TIMEOUT:-120} spawn "${STRACE_STOPPING[@]}" "$@"
    STOPPING=$SPAWNED
}

# stop_state: 0 once the next stop has happened (strace delivered its
# SIGSTOP after a call and saw that thread stopped, so the whole process
# is), setting STOPPED and STOP_CALL; 2 if the command ended; else 1.
stop_state() {
    local found
    found=$(awk -v want=$((STOPS_SEEN + 1)) '
        { line = $0; sub(/^[0-9]+ +/, "", line) }
        # A call another thread interrupted is printed in two parts.
        / <unfinished \.\.\.>$/ { begun[$1] = line; sub(/ <unfinished \.\.\.>$/, "", begun[$1]) }
        $2 == "<..." { last[$1] = begun[$1] " " line; next }
        $2 != "---" { last[$1] = line }
        /--- SIGSTOP \{si_signo=SIGSTOP, si_code=SI_KERNEL/ && !at {
            if (++n == want) { pid = $1; at = NR; call = last[$1] }
        }
        at && NR > at && $1 == pid && /--- stopped by SIGSTOP ---/ {
            print pid; print call; exit
        }' "$STOPS")
    if [ -n "$found" ]; then
        STOPPED=${found%%$'\n'*}
        STOP_CALL=${found#*$'\n'}
        return 0
    fi
    alive "$STOPPING" || return 2
    return 1
}

# stopped_again: true once the next stop has happened; fails the scenario
# if the command ended first.
stopped_again() {
    local state=0
    stop_state || state=$?
    [ $state != 2 ] ||
        fail "the traced command ended before stop $((STOPS_SEEN + 1)) (trace: $(tail -n 3 "$STOPS"))"
    return $state
}

# next_stop WHAT: waits (bounded) for the next stop, WHAT saying what it is.
next_stop() {
    wait_until 60 "$1 (fifo stopped by strace)" stopped_again
    STOPS_SEEN=$((STOPS_SEEN + 1))
}

# stop_after REGEX WHAT: lets the command go on from stop to stop until the
# call it stopped after matches REGEX (extended); WHAT says what that is.
stop_after() {
    next_stop "$2"
    until [[ $STOP_CALL =~ $1 ]]; do
        go_on
        next_stop "$2"
    done
}

# go_on: lets the stopped command go on. A SIGCONT that comes before strace
# has parked the tracee is not lost: the kernel reports it to strace, which
# lets the tracee go on.
go_on() {
    kill -CONT "$STOPPED"
    STOPPED=
}

# finish_stopping [CMD...]: lets the command go on (if stopped) and through
# every later stop until it ends, and reaps it as finish does (STATUS). At
# each later stop, CMD (if given) runs first.
finish_stopping() {
    [ -z "$STOPPED" ] || go_on
    AT_EACH_STOP=("$@")
    wait_until 120 "the traced command to end" ended_on_its_way
    finish "$STOPPING"
}

# ended_on_its_way: for finish_stopping; true once the command ended, and
# runs AT_EACH_STOP and goes on at each stop on its way.
ended_on_its_way() {
    local state=0
    stop_state || state=$?
    case $state in
    0)
        STOPS_SEEN=$((STOPS_SEEN + 1))
        [ ${#AT_EACH_STOP[@]} = 0 ] || "${AT_EACH_STOP[@]}"
        go_on
        return 1
        ;;
    2) return 0 ;;
    *) return 1 ;;
    esac
}

# fail_context: for lib.sh's fail, the end of the trace of the command
# stopped last.
fail_context() {
    [ -n "${STOPS:-}" ] || return 0
    printf 'after %s stops, with %s, its trace ended:\n' "$STOPS_SEEN" \
        "${STOPPED:+process $STOPPED stopped}${STOPPED:-nothing stopped}"
    tail -n 12 "$STOPS"
}
