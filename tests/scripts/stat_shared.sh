# fifo stat counts readers and writers as the kernel does, by open file:
# a descriptor that the shell's jobs inherit, or one dup'ed, is one reader
# and one writer however many processes hold it; a second open is another.
# The holders are still listed one by one, by process.
# needs: linux   # open files are told apart with kcmp(2) and /proc
source "$(dirname "$0")/lib.sh"

"$F" mk f
exec 7<> f 8<&7
sleep 30 &
job=$!
PIDS+=("$job")
# Counts may be lower bounds (N+) where some process cannot be inspected.
got=$("$F" stat -c '%{readers} %{writers}' f)
eq "1 1" "${got//+/}" "exec 7<>f, dup'ed to 8, inherited by a job: one reader, one writer"
run "$F" stat f
[[ "$OUT" == *"Holder: pid $$ (bash) fd 7 read-write (open)"* ]] || fail "the shell's holder: $OUT"
[[ "$OUT" == *"Holder: pid $$ (bash) fd 8 read-write (open, same open file as pid $$ fd 7)"* ]] ||
    fail "the dup'ed descriptor: $OUT"
[[ "$OUT" == *"Holder: pid $job (sleep) fd 7 read-write (open, same open file as pid $$ fd 7)"* ]] ||
    fail "the job's inherited descriptor: $OUT"
ok "every holder is listed by process, the shared ones say with whom"

# A second open is a second reader.
exec 9< f
got=$("$F" stat -c '%{readers} %{writers}' f)
eq "2 1" "${got//+/}" "a second open for reading is a second reader"
"$F" stat --json f > f.json
python3 - "$$" "$job" <<'PY'
import json, sys
shell, job = int(sys.argv[1]), int(sys.argv[2])
pipe = json.loads(open("f.json").read())["pipe"]
number = {(h["pid"], h["fd"]): h["description"] for h in pipe["holders"]}
shared = number[(shell, 7)]
assert shared is not None, pipe
assert number[(shell, 8)] == number[(job, 7)] == number[(job, 8)] == shared, pipe
assert number[(shell, 9)] not in (None, shared), pipe
assert (pipe["readers"], pipe["writers"]) == (2, 1), pipe
assert pipe["counts_exact"] == (pipe["uninspected_processes"] == 0), pipe
PY
ok "--json: one description number per open file, counts 2 and 1"
kill "$job"
exec 7>&- 8>&- 9<&-
