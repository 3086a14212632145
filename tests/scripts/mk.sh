# fifo mk: exact modes (compared with GNU mkfifo), -p, --exist-ok, --temp,
# every PATH tried, and bad input that creates nothing.
source "$(dirname "$0")/lib.sh"

umask 022
"$F" mk plain
[ -p plain ] || fail "mk did not make a FIFO"
eq 600 "$(mode_of plain)" "default mode is 0600"
eq p "$(ls -l plain | cut -c1)" "ls -l shows type p"

for mode in 644 0640 u=rw,g=r a=rw go-rw =r +x -w u=rwx,g=u o=g,g-w a+X u+x,a+X; do
    mkfifo -m "$mode" "gnu.$mode"
    "$F" mk -m "$mode" "ours.$mode"
    eq "$(mode_of "gnu.$mode")" "$(mode_of "ours.$mode")" "-m $mode matches mkfifo(1)"
done
(umask 077; "$F" mk -m 666 wide)
eq 666 "$(mode_of wide)" "octal mode ignores the umask"
eq 0022 "$(umask)" "mk leaves the caller's umask alone"

"$F" mk -p a/b/c/deep
[ -p a/b/c/deep ] || fail "-p did not make parents"
ok "-p makes missing parents"
expect_fail 1 "'x/y/z': cannot create fifo: No such file or directory" "$F" mk x/y/z

expect_fail 1 "'plain': cannot create fifo: File exists" "$F" mk plain
"$F" mk --exist-ok plain
ok "--exist-ok accepts an existing FIFO"
echo data > regular
expect_fail 1 "'regular': already exists and is not a fifo (it is a regular file)" "$F" mk --exist-ok regular
eq data "$(cat regular)" "--exist-ok leaves a regular file untouched"
mkdir dir
expect_fail 1 "'dir': already exists and is not a fifo (it is a directory)" "$F" mk --exist-ok dir

# Every PATH is tried: the failing one in the middle does not stop the last.
run "$F" mk one missing/two three
eq 1 "$STATUS" "status 1 when one PATH of several fails"
[ -p one ] && [ -p three ] || fail "the other PATHs were not made"
ok "the other PATHs were made"

expect_fail 2 "invalid mode 'bogus'" "$F" mk -m bogus nomode
[ ! -e nomode ] || fail "bad mode created a file"
expect_fail 2 "must specify only file permission bits" "$F" mk -m 4755 nomode
expect_fail 2 "must specify only file permission bits" "$F" mk -m u+s nomode
[ ! -e nomode ] || fail "special-bit mode created a file"
ok "bad modes create nothing"

mkdir tmp
made=$(TMPDIR="$T/tmp" "$F" mk --temp)
[ -p "$made" ] || fail "--temp printed [$made], not a FIFO"
eq "$T/tmp" "$(dirname "$(dirname "$made")")" "--temp honours TMPDIR"
eq 700 "$(mode_of "$(dirname "$made")")" "--temp directory is 0700"
eq 600 "$(mode_of "$made")" "--temp FIFO is 0600"
eq fifo "$(basename "$made")" "--temp default name"
made=$("$F" mk --temp --dir "$T" -m 640 jobs)
eq "jobs 640" "$(basename "$made") $(mode_of "$made")" "--temp --dir with NAME and -m"
expect_fail 2 "--temp takes at most one NAME" "$F" mk --temp a b
expect_fail 1 "fifo mk: 'a/b': cannot create fifo: not a file name (empty, '.', '..' or holding '/')" "$F" mk --temp --dir "$T" a/b
expect_fail 1 "cannot create directory: No such file or directory" "$F" mk --temp --dir "$T/none"
expect_fail 2 "required" "$F" mk

# Permission denied: a 0555 directory refuses its owner too (root, which
# passes every check, tries as another user).
mkdir -m 555 ro
expect_fail 1 "fifo mk: 'ro/denied': cannot create fifo: Permission denied" "${UNPRIVILEGED[@]}" "$F" mk ro/denied
[ ! -e ro/denied ] || fail "a denied mk left something behind"
ok "a denied mk creates nothing"
