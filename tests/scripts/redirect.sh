# fifo redirect: a FIFO on descriptor N for CMD (read, write, rw), the
# classic exec 42> flow, status and signal passthrough, no leaked
# descriptors, chains, timeouts and bad input.
source "$(dirname "$0")/lib.sh"

# The classic: exec 42> /tmp/fd/42; echo 'message from the process A' >&42.
mkdir fd
"$F" mk fd/42
spawn bash -c "'$F' cat fd/42 | base64 > got"
reader=$SPAWNED
timeout 20 "$F" redirect --fd 42 --write fd/42 -- bash -c "echo 'message from the process A' >&42"
finish "$reader"
eq bWVzc2FnZSBmcm9tIHRoZSBwcm9jZXNzIEEK "$(cat got)" "--write on fd 42, read by fifo cat | base64"

"$F" mk p
spawn "$F" send p 'read me'
eq "read me" "$(timeout 20 "$F" redirect --fd 5 --read p -- bash -c 'cat <&5')" "--read on fd 5"
spawn "$F" send p 'as stdin'
eq "as stdin" "$(timeout 20 "$F" redirect --fd 0 --read p -- cat)" "--fd 0 replaces stdin"
eq "both ways" "$(timeout 20 "$F" redirect --fd 7 --rw p -- bash -c 'echo both ways >&7; head -n 1 <&7')" "--rw never waits and works both ways"

# CMD's status and signals are the caller's: redirect execs, no fork.
run "$F" redirect --fd 7 --rw p -- bash -c 'exit 7'
eq 7 "$STATUS" "CMD's exit status passes through"
run "$F" redirect --fd 7 --rw p -- bash -c 'kill -TERM $$'
eq 143 "$STATUS" "CMD killed by SIGTERM is seen as such"
pids=$(timeout 20 bash -c 'echo $$; exec "$0" redirect --fd 7 --rw p -- bash -c "echo \$\$"' "$F" | sort -u | wc -l)
eq 1 "$pids" "no fork: CMD runs in the process that ran fifo redirect"

# Only 0, 1, 2 and N reach CMD. CMD is sleep (which opens nothing), started
# with no inherited descriptors above 2 (python's Popen closes them) and
# inspected from outside once it sleeps.
# asleep PID: PID is sleep, asleep in it. Its name alone is not enough: the
# name changes at exec, before the dynamic loader has opened and closed
# ld.so.cache and libc (seen as a stray 5 in the chain below, under load).
asleep() {
    grep -qx sleep "/proc/$1/comm" && grep -q nanosleep "/proc/$1/wchan"
}
fds_of_cmd() {
    local pid
    pid=$(python3 -c 'import subprocess, sys; print(subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL).pid)' "$@")
    PIDS+=("$pid")
    wait_until 10 "CMD to sleep" asleep "$pid"
    ls "/proc/$pid/fd" | sort -n | tr '\n' ' '
    kill "$pid"
}
eq "0 1 2 42 " "$(fds_of_cmd "$F" redirect --fd 42 --rw p -- sleep 30)" "CMD sees exactly 0 1 2 42"
exec 7<>p
eq "0 1 2 9 " "$(fds_of_cmd "$F" redirect --fd 9 --write -t 5s p -- sleep 30)" "with a timeout too: exactly 0 1 2 9"
exec 7>&-
"$F" mk q
eq "0 1 2 3 4 " "$(fds_of_cmd "$F" redirect --fd 3 --rw p -- "$F" redirect --fd 4 --rw q -- sleep 30)" "a chain: exactly 0 1 2 3 4"

# Chains compose: 3 reads a, 4 writes b.
"$F" mk a b
spawn "$F" send a 'shout this'
spawn bash -c "'$F' cat b > b.got"
reader=$SPAWNED
timeout 20 "$F" redirect --fd 3 --read a -- "$F" redirect --fd 4 --write b -- bash -c 'tr a-z A-Z <&3 >&4'
finish "$reader"
eq "SHOUT THIS" "$(cat b.got)" "a chain of two redirects"

# Waiting is bounded by -t; --create makes a private FIFO.
expect_fail 124 "fifo redirect: 'p': timed out after 200ms waiting for a writer" "$F" redirect --fd 3 --read -t 200ms p -- true
expect_fail 124 "fifo redirect: 'p': timed out after 200ms waiting for a reader" "$F" redirect --fd 3 --write -t 200ms p -- true
run "$F" redirect --fd 3 --rw --create fresh -- true
eq "0 600" "$STATUS $(mode_of fresh)" "--create makes a 0600 FIFO"

# Bad input.
expect_fail 2 "<--read|--write|--rw>" "$F" redirect --fd 3 p -- true
expect_fail 2 "cannot be used with" "$F" redirect --fd 3 --read --write p -- true
expect_fail 2 "<CMD>" "$F" redirect --fd 3 --rw p
expect_fail 2 "is out of range" "$F" redirect --fd 99999999 --rw p -- true
expect_fail 2 "'three' is not a descriptor number" "$F" redirect --fd three --rw p -- true
expect_fail 2 "'-1' is not a descriptor number" "$F" redirect --fd=-1 --rw p -- true
expect_fail 127 "fifo redirect: 'no-such-command': command not found" "$F" redirect --fd 3 --rw p -- no-such-command
echo 'echo hi' > script.sh
chmod 644 script.sh
expect_fail 126 "fifo redirect: './script.sh': Permission denied" "$F" redirect --fd 3 --rw p -- ./script.sh
expect_fail 1 "fifo redirect: 'missing': cannot open: No such file or directory" "$F" redirect --fd 3 --rw missing -- true
[ ! -e missing ] || fail "redirect created a file for a typo"
echo data > file
expect_fail 1 "fifo redirect: 'file': not a fifo (it is a regular file)" "$F" redirect --fd 3 --write file -- true
eq data "$(cat file)" "the regular file is untouched"

# The README's coprocess example, run exactly as printed there.
sed -n '/<!-- tested: coprocess -->/,/^```$/p' "$SCRIPTS/../../README.md" | sed '1,2d;$d' > coprocess.sh
[ -s coprocess.sh ] || fail "the README's coprocess example was not found"
mkdir bin
ln -s "$F" bin/fifo
eq "7 squared is 49
12 squared is 144
99 squared is 9801" "$(PATH="$T/bin:$PATH" TMPDIR="$T" timeout 20 bash coprocess.sh)" "the README's coprocess example works"
[ -z "$(ls -d "$T"/fifo.* 2>/dev/null)" ] || fail "the example left its directory behind"
