# Options that could only be ignored are usage errors (status 2, one line,
# nothing done): a user who typed them expected something to happen.
source "$(dirname "$0")/lib.sh"

mkfifo f
# redirect --rw never waits (O_RDWR opens at once): a timeout cannot apply.
expect_fail 2 "fifo redirect: the argument '--rw' cannot be used with '--timeout <DUR>'" \
    "$F" redirect --fd 3 --rw -t 1s f -- true
expect_fail 2 "cannot be used with" "$F" redirect --fd 3 --timeout=1s --rw f -- true
# With --read or --write it still bounds the wait.
expect_fail 124 "fifo redirect: 'f': timed out after 100ms waiting for a writer" \
    "$F" redirect --fd 3 --read -t 100ms f -- true
# send -n only shapes MESSAGE; stdin is sent as it is.
expect_fail 2 "fifo send: the following required arguments were not provided: <MESSAGE>" \
    "$F" send -n --no-wait f
# send --progress meters stdin; a MESSAGE showed "0 B".
expect_fail 2 "fifo send: the argument '--progress[=<WHEN>]' cannot be used with '[MESSAGE]...'" \
    "$F" send --progress=always --no-wait f hello
# mk --temp makes a fresh directory: nothing in it can exist already.
mkdir made
expect_fail 2 "fifo mk: the argument '--temp' cannot be used with '--exist-ok'" \
    "$F" mk --temp --exist-ok --dir made
eq "" "$(ls made)" "mk --temp --exist-ok made nothing"
# What still works: the same options where they mean something.
exec 7<>f
run "$F" send -n --no-wait f hello
eq "0 hello" "$STATUS $(timeout 60 "$F" cat -c 5 f)" "send -n MESSAGE"
run bash -c "printf data | '$F' send --progress=always --no-wait f"
# The summary is the last line (a meter line may come before it).
[[ "$STATUS ${ERR##*$'\n'}" == "0 fifo send: 4 B in "* ]] || fail "send --progress from stdin: $STATUS [$ERR]"
ok "send --progress meters stdin"
exec 7<&-

# send -0 MESSAGE: the message is a NUL-terminated record (it used to end
# with a newline, -0 changing nothing a reader could see).
exec 7<>f
run "$F" send -0 --no-wait f hello world
eq "0 hello world|" "$STATUS $(timeout 60 "$F" cat -c 12 f | tr '\0' '|')" "send -0 MESSAGE ends with NUL"
run "$F" send -0 -n --no-wait f bare
eq "0 bare" "$STATUS $(timeout 60 "$F" cat -c 4 f)" "send -0 -n MESSAGE: no terminator"
run "$F" send -l --no-wait f line
eq "0 line|" "$STATUS $(timeout 60 "$F" cat -c 5 f | tr '\n' '|')" "send -l MESSAGE ends with a newline"
exec 7<&-
