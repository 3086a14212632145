# fifo stat: type, permissions and owners agree with coreutils stat and ls;
# --format, --json (checked by python's json module), errors; and stat never
# releases a peer waiting in open.
# needs: linux
source "$(dirname "$0")/lib.sh"

# Careful readers make their FIFO this way.
python3 -c 'import os; os.mkfifo("seed", 0o600)'
eq "prw-------" "$("$F" stat -c %A seed)" "python os.mkfifo(0o600) FIFO shows prw-------"
eq "$(stat -c '%A %a %U %G %u %g %s %i %h %F' seed)" \
   "$("$F" stat -c '%A %a %U %G %u %g %s %i %h %F' seed)" "format fields agree with coreutils stat"
eq "$(ls -l seed | cut -c1-10)" "$("$F" stat -c %A seed)" "permissions agree with ls -l"
eq "type=fifo 100% done" "$("$F" stat -c 'type=%F 100%% done' seed)" "literal text and %% survive"
# Counts may be lower bounds (N+) where some process cannot be inspected.
got=$("$F" stat -c '%n: %{readers} %{writers} %{opening} %{capacity}' seed)
eq "seed: 0 0 0 ?" "${got//+/}" "nobody holds it: 0 readers, 0 writers, none opening, no pipe (capacity ?)"

run "$F" stat seed
eq 0 "$STATUS" "human output exits 0"
[[ "$OUT" == *"Type: fifo (p)"* ]] || fail "human output lacks the type: $OUT"
[[ "$OUT" == *"Access: (0600/prw-------)"* ]] || fail "human output lacks permissions: $OUT"
[[ "$OUT" == *"Inode: $(stat -c %i seed)"* ]] || fail "human output lacks the inode: $OUT"
ok "human output names type, permissions and inode"

echo hello > file
mkdir dir
ln -s seed link
"$F" stat --json seed file dir link > json.out
python3 - <<'PY'
import json, os, stat, sys
rows = [json.loads(line) for line in open("json.out")]
assert [r["path"] for r in rows] == ["seed", "file", "dir", "link"], rows
assert [r["type"] for r in rows] == ["fifo", "regular file", "directory", "symbolic link"], rows
seed = rows[0]
st = os.lstat("seed")
assert seed["permissions"] == "prw-------" and seed["mode"] == 0o600 and seed["mode_octal"] == "0600", seed
assert seed["inode"] == st.st_ino and seed["uid"] == st.st_uid and seed["links"] == 1, seed
assert rows[1]["size"] == 6, rows[1]
pipe = seed["pipe"]
assert pipe["readers"] == 0 and pipe["writers"] == 0 and pipe["capacity"] is None, seed
assert all(r["pipe"] is None for r in rows[1:]), rows
PY
ok "--json gives one valid object per PATH"
eq fifo "$("$F" stat -L -c %F link)" "-L follows a symlink"

expect_fail 1 "fifo stat: 'missing': cannot stat: No such file or directory" "$F" stat missing
run "$F" stat -c %n seed missing file
eq 1 "$STATUS" "a missing PATH among others: status 1"
eq "seed
file" "$OUT" "the other PATHs are still reported"
expect_fail 2 "unknown directive '%Q'" "$F" stat -c '%Q' seed

# A writer blocked in open stays blocked: stat opens nothing.
mkfifo waiting
spawn bash -c 'echo released > waiting'
writer=$SPAWNED
blocked_in_open "$writer"
"$F" stat waiting > /dev/null
"$F" stat --json waiting > /dev/null
blocked_in_open "$writer"
ok "stat leaves a blocked writer blocked"
eq released "$(timeout 20 cat waiting)" "the writer's data went to the real reader"
finish "$writer"
eq 0 "$STATUS" "the writer finished normally"
