# 200 MB of random bytes through fifo send -> FIFO -> fifo cat, from a file
# and through pipes at both ends; checksums must match.
# slow
source "$(dirname "$0")/lib.sh"

head -c 200000000 /dev/urandom > src
want=$(sha256sum < src)
"$F" mk p

spawn bash -c "'$F' cat p > dst"
reader=$SPAWNED
timeout 60 "$F" send p < src
finish "$reader"
eq "0 $want" "$STATUS $(sha256sum < dst)" "200 MB file -> send -> cat -> file"
rm dst

spawn bash -c "'$F' cat p | sha256sum > sum"
reader=$SPAWNED
cat src | timeout 60 "$F" send p
finish "$reader"
eq "$want" "$(cat sum)" "200 MB pipe -> send -> cat -> pipe"

# -c on a big stream stops at exactly N bytes.
spawn bash -c "'$F' send p < src 2> send.err"
writer=$SPAWNED
eq "$(head -c 123456789 src | sha256sum)" "$(timeout 60 "$F" cat -c 123456789 p | sha256sum)" "-c 123456789 of a 200 MB stream"
finish "$writer"
eq 1 "$STATUS" "the sender fails when its reader stops early"
grep -Eq "^fifo send: 'p': reader went away; [0-9]+ bytes were written into its pipe$" send.err || fail "sender said [$(cat send.err)]"
ok "the sender says how much was delivered"
