# A directory given where a FIFO (or a file) is read or written is refused
# in one wording by every command, "cannot open: Is a directory", as cat(1)
# and a shell's redirection say it; and `fifo mk ''` fails as mkfifo '' does,
# status 1 and "cannot create fifo", not as a usage error.
source "$(dirname "$0")/lib.sh"

mkdir d
said="cannot open: Is a directory"
expect_fail 1 "fifo cat: 'd': $said" "$F" cat d
expect_fail 1 "fifo cat: 'd': $said" "$F" cat --merge d
expect_fail 1 "fifo send: 'd': $said" "$F" send d hello
expect_fail 1 "fifo tee: 'd': $said" "$F" tee d < /dev/null
for direction in --read --write --rw; do
    expect_fail 1 "fifo redirect: 'd': $said" "$F" redirect --fd 3 "$direction" d -- true
done
expect_fail 1 "fifo hold: 'd': $said" "$F" hold d
run cat d
[[ "$ERR" == *"Is a directory"* ]] || fail "GNU cat words it otherwise: $ERR"
ok "GNU cat says it the same way: $ERR"

run mkfifo ''
eq 1 "$STATUS" "mkfifo '' fails with status 1"
[[ "$ERR" == *"cannot create fifo ''"* ]] || fail "mkfifo '': $ERR"
expect_fail 1 "fifo mk: '': cannot create fifo: No such file or directory" "$F" mk ''
expect_fail 1 "fifo mk: '': cannot create fifo: No such file or directory" "$F" mk -p ''
