# Every mode fifo means exactly is given exactly, under umask 777 and 000:
# mk --temp's directory (0700) and FIFO (0600), mk -p's parents (as mkdir
# -p: 0777 less the umask, plus u+wx), --create's FIFO (0600), the framed
# readers' stash directory (0700) and its files (0600), and the spill file
# of --buffer-file (0600). Under umask 777, each still works for an
# ordinary user, and later readers find the stash.
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T

for mask in 777 000; do
    mkdir "m$mask"
    cd "m$mask"
    made=$(umask "$mask"; TMPDIR=$T/m$mask "$F" mk --temp)
    [[ "$made" == "$T/m$mask/fifo."*/fifo ]] || fail "umask $mask: mk --temp printed [$made]"
    eq "700 600" "$(mode_of "$(dirname "$made")") $(mode_of "$made")" "umask $mask: mk --temp"
    (umask "$mask"; "$F" mk -p a/b/f)
    want=$( [ "$mask" = 777 ] && echo 300 || echo 777)
    eq "$want $want 600" "$(mode_of a) $(mode_of a/b) $(mode_of a/b/f)" "umask $mask: mk -p a/b/f"
    # So that the cleanup can list them.
    chmod 700 a a/b
    spawn bash -c "umask $mask; exec '$F' cat --create --rm c" > got
    reader=$SPAWNED
    wait_until 10 "umask $mask: cat --create to make c" test -p c
    eq 600 "$(mode_of c)" "umask $mask: cat --create"
    echo x > c
    finish "$reader"
    eq "0 x" "$STATUS $(cat got)" "umask $mask: cat --create: status and data"
    cd "$T"
done

# The stash: a reader whose stdout is full keeps the message it failed on
# and those after it; the next readers take them, all under umask 777.
STASH=$T/fifo-$(id -u)
mkfifo q
exec 3<> q
printf 'a\nb\nc\n' | "$F" send --frame -l q 3>&-
run bash -c "umask 777; exec '$F' cat --frame q > /dev/full"
eq 1 "$STATUS" "umask 777: a framed reader on /dev/full fails"
file=$(find "$STASH" -name 'frames-*')
eq "700 600" "$(mode_of "$STASH") $(mode_of "$file")" "umask 777: the stash directory and file"
run bash -c "umask 777; exec '$F' cat --frame -l 1 q"
eq "0 a" "$STATUS $OUT" "umask 777: the next counted reader takes the stashed message"
run bash -c "umask 777; exec '$F' cat --frame -l 1 q"
eq "0 b" "$STATUS $OUT" "umask 777: and the next"
run bash -c "umask 777; exec '$F' cat --frame -l 1 q"
eq "0 c" "$STATUS $OUT" "umask 777: and the last"
exec 3>&-

# The spill file: 8 MiB into a FIFO nobody reads yet (held open here on
# descriptor 4), through --buffer 64K, spills.
head -c $((8 * 1024 * 1024)) /dev/zero > data
mkdir spill
mkfifo out
exec 4<> out
spawn bash -c "umask 777; exec '$F' cat --buffer 64K --buffer-file spill data > out" 4<&-
catting=$SPAWNED
# spill_mode PID: the mode of the deleted file PID holds open (its spill).
spill_mode() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        [[ "$(readlink "$fd")" != *" (deleted)" ]] || { stat -L -c %a "$fd"; return; }
    done
    return 1
}
has_spill() { spill_mode "$(fifo_pid "$catting")" > /dev/null; }
wait_until 10 "cat --buffer-file to spill" has_spill
eq 600 "$(spill_mode "$(fifo_pid "$catting")")" "umask 777: the spill file"
kill "$catting"
finish "$catting"
exec 4<&-
