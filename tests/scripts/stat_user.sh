# fifo stat as an ordinary user: what can be seen is reported as a lower
# bound (N+ in -c, "≥N" in the default output, the seen count plus the number
# of uninspected processes in --json) instead of discarding it as unknown,
# because a few processes of other users (root's) always exist. Runs as
# uid 65534 (dropped with setpriv when root), so it passes both ways.
# needs: linux
source "$(dirname "$0")/lib.sh"

AS=()
if [ "$(id -u)" = 0 ]; then
    AS=("${AS_NOBODY[@]}")
    mkdir u
    chown 65534:65534 u
else
    mkdir u
fi
cd u
"${AS[@]}" "$F" mk f

"${AS[@]}" "$F" mk g
# g: held open read-write. f: two readers blocked opening it.
spawn "${AS[@]}" bash -c 'exec 3<>g; exec sleep 30'
spawn "${AS[@]}" cat f > ../cat.out
opener=$SPAWNED
spawn "${AS[@]}" bash -c 'exec 3<f'
other=$SPAWNED
blocked_in_open "$opener"
blocked_in_open "$other"
counted() { local n; n=$("${AS[@]}" "$F" stat -c %{readers} "$1"); [ "${n%+}" = "$2" ]; }
wait_until 20 "the holder of g to be seen" counted g 1

uninspected=$("${AS[@]}" "$F" stat -c %{uninspected} f)
[ "$uninspected" -gt 0 ] || fail "some process (root's) should be out of this user's sight"
ok "an ordinary user cannot inspect $uninspected processes"
eq "1+ 1+ 0+" "$("${AS[@]}" "$F" stat -c '%{readers} %{writers} %{opening}' g)" \
    "-c: the open holder seen, counts marked as lower bounds"
eq "2+ 0+ 2+" "$("${AS[@]}" "$F" stat -c '%{readers} %{writers} %{opening}' f)" \
    "-c: the readers opening seen, counts marked as lower bounds"

run "${AS[@]}" "$F" stat f
[[ "$OUT" == *"Pipe: readers ≥2   writers ≥0   opening ≥2"* ]] || fail "default output: $OUT"
# Other processes come and go meanwhile: the number may differ.
[[ "$OUT" =~ "Holder: unknown in "(1" process"|([2-9]|[1-9][0-9]+)" processes")" this user may not inspect (counts are lower bounds)" ]] ||
    fail "default output does not say what it could not see: $OUT"
ok "the default output says at least, and why"

"${AS[@]}" "$F" stat --json f g > ../low.json
python3 - <<'PY'
import json
f, g = [json.loads(line)["pipe"] for line in open("../low.json")]
assert (f["readers"], f["writers"], f["opening"]) == (2, 0, 2), f
assert (g["readers"], g["writers"], g["opening"]) == (1, 1, 0), g
assert f["uninspected_processes"] > 0 and f["counts_exact"] is False, f
assert [h["state"] for h in f["holders"]] == ["opening", "opening"], f
assert [(h["state"], h["fd"]) for h in g["holders"]] == [("open", 3)], g
PY
ok "--json: the seen counts, counts_exact false, and the number not inspected"

run "${AS[@]}" "$F" stat --wait-reader -t 5s f
eq 0 "$STATUS" "--wait-reader succeeds on what this user can see"
echo done | "${AS[@]}" "$F" send -t 5s f
finish "$opener"
eq "0 done" "$STATUS $(cat ../cat.out)" "a reader left opening met its writer and got the data"
finish "$other"
eq 0 "$STATUS" "so did the other"
