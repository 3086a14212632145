# --rate-file never follows a symlink another user planted: root names a
# path in uid 65534's directory that is, or passes through, uid 65534's
# link to what only root may read; the link is refused and not a byte of
# what it points at reaches root's stderr. The root-only half of
# rate_file.sh.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

head -c $((2 * 1024 * 1024)) /dev/zero > data
mkdir -m 700 private
echo "root's secret" > private/rate
chmod 600 private/rate
mkdir theirs
chown 65534:65534 theirs
"${AS_NOBODY[@]}" ln -s "$T/private/rate" theirs/link
"${AS_NOBODY[@]}" ln -s "$T/private" theirs/dir

for path in theirs/link theirs/dir/rate; do
    run bash -c "'$F' cat --rate-limit 2M --rate-file $path data | wc -c"
    eq "0 2097152" "$STATUS $OUT" "$path: every byte"
    eq "fifo cat: '$path': refusing to follow a symlink of uid 65534 to a control file; rate unchanged" \
        "$ERR" "$path: uid 65534's symlink is refused, the secret not shown"
done

# Root's own link is followed.
ln -s "$T/private/rate" mine
run bash -c "'$F' cat --rate-limit 2M --rate-file mine data | wc -c"
eq "fifo cat: 'mine': invalid rate 'root's secret' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$ERR" "root's own symlink is followed"
