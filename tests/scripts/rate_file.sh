# --rate-file is a control file read while data moves: a FIFO in its place
# is refused at once (the copy never blocks opening it), /dev/zero is never
# read without bound, a long file or a multi-line one gives one short line
# quoting at most 24 characters, an empty one (as it is while `echo`
# rewrites it) is no new rate and no message, and this user's own symlink
# is followed.
# Each copy moves 2 MiB at 2M/s, so it lasts at least 0.9 s: the file is
# first read after 0.5 s.
source "$(dirname "$0")/lib.sh"

head -c $((2 * 1024 * 1024)) /dev/zero > data
# copy_with FILE: cat data through --rate-file FILE; STATUS, OUT (the byte
# count), ERR. Virtual memory is capped so that a reader without bound
# fails instead of taking the machine's memory.
copy_with() {
    run bash -c "ulimit -v 1000000; '$F' cat --rate-limit 2M --rate-file '$1' data | wc -c"
}

mkfifo ctl
copy_with ctl
eq "0 2097152" "$STATUS $OUT" "a FIFO as --rate-file: every byte, no hang"
eq "fifo cat: 'ctl': refusing to read a control file that is a fifo, not a regular file; rate unchanged" \
    "$ERR" "a FIFO as --rate-file: one line"

copy_with /dev/zero
eq "0 2097152" "$STATUS $OUT" "/dev/zero as --rate-file: every byte, memory bounded"
eq "fifo cat: '/dev/zero': refusing to read a control file that is a character special file, not a regular file; rate unchanged" \
    "$ERR" "/dev/zero as --rate-file: one line"

# `echo 2M > FILE` empties FILE before it writes: a look in between sees
# nothing, and nothing is said (the rate stays).
printf ' \n' > empty
copy_with empty
eq "0 2097152||" "$STATUS $OUT|$ERR|" "an empty --rate-file: every byte, not a word"

head -c 100000 /dev/urandom | base64 > big
copy_with big
eq "0 2097152" "$STATUS $OUT" "a 130 KB --rate-file: every byte"
eq "fifo cat: 'big': longer than 64 bytes; rate unchanged" "$ERR" "a 130 KB --rate-file: one line, none of its text"

printf '12\n34M\x01\n' > lines
copy_with lines
eq "fifo cat: 'lines': invalid rate '12\n34M\u{1}' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$ERR" "a multi-line --rate-file: one line, escaped"
printf '%060d\n' 7 > long
copy_with long
eq "fifo cat: 'long': invalid rate '000000000000000000000000...' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$ERR" "a 61-byte --rate-file: 24 characters quoted"

# This user's own symlink is followed (the text it leads to is read).
echo bogus > rate
ln -s rate link
copy_with link
eq "0 2097152" "$STATUS $OUT" "an own symlink as --rate-file: every byte"
eq "fifo cat: 'link': invalid rate 'bogus' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$ERR" "an own symlink is followed"
echo 4M > rate
copy_with link
eq "0 2097152 " "$STATUS $OUT $ERR" "a valid rate through an own symlink: no warning"
