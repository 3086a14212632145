# fifo stat --json: every line validates against docs/stat.schema.json
# (checked by a standard-library validator, so it always runs, and by
# python3-jsonschema as well where installed); numbers are numbers, the mode
# is a number and its text, times are RFC 3339 in the local zone and epoch
# seconds that agree, a name that is not UTF-8 survives exactly (base64),
# unknown values are null with their reason, and docs/json.md documents
# every field of the schema.
# needs: linux
source "$(dirname "$0")/lib.sh"

SCHEMA=$SCRIPTS/../../docs/stat.schema.json
DOC=$SCRIPTS/../../docs/json.md
"$F" mk held idle
spawn bash -c 'exec 7<>held; printf hello >&7; exec sleep 30'
printf 'text\n' > file
mkdir dir
ln -s idle link
printf x > $'bad\xffname'
held_seen() { local n; n=$("$F" stat -c %{readers} held); [ "${n%+}" = 1 ]; }
wait_until 20 "the holder of held" held_seen

TZ=Asia/Kolkata "$F" stat --json held idle file dir link $'bad\xffname' /dev/null > out.json
run python3 "$SCRIPTS/../peers/schema_check.py" "$SCHEMA" out.json
eq "0 7 line(s) match $SCHEMA" "$STATUS $OUT" "every line validates against the documented schema"
if python3 -c 'import jsonschema' 2>/dev/null; then
    python3 - "$SCHEMA" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
for line in open("out.json"):
    jsonschema.validate(json.loads(line), schema)
PY
    ok "python3-jsonschema agrees"
fi

python3 - <<'PY'
import base64, datetime, json, os, stat
rows = [json.loads(line) for line in open("out.json", encoding="utf-8")]
names = [b"held", b"idle", b"file", b"dir", b"link", b"bad\xffname", b"/dev/null"]
for row, name in zip(rows, names):
    exact = base64.b64decode(row["path_base64"]) if row["path_base64"] is not None else row["path"].encode()
    assert exact == name, (exact, name)
    st = os.lstat(name)
    assert row["mode"] == stat.S_IMODE(st.st_mode) and row["mode_octal"] == "%04o" % row["mode"], row
    assert (row["inode"], row["device"], row["uid"], row["links"], row["size"]) == (
        st.st_ino, st.st_dev, st.st_uid, st.st_nlink, st.st_size), row
    t = row["modified"]
    assert t["epoch"] * 10**9 + t["nanoseconds"] == st.st_mtime_ns, (t, st.st_mtime_ns)
    assert t["rfc3339"].endswith("+05:30"), t
    when = datetime.datetime.fromisoformat(t["rfc3339"][:26] + t["rfc3339"][29:])
    assert int(when.timestamp()) == t["epoch"], (when, t)
bad = rows[5]
assert bad["path_base64"] == base64.b64encode(b"bad\xffname").decode(), bad
assert rows[0]["path_base64"] is None and rows[0]["path"] == "held"
held, idle = rows[0]["pipe"], rows[1]["pipe"]
assert (held["readers"], held["writers"], held["buffered"], held["capacity"]) == (1, 1, 5, 65536), held
assert [(h["fd"], h["access"], h["state"]) for h in held["holders"]] == [(7, "read-write", "open")], held
assert idle["holders"] == [] and idle["capacity"] is None, idle
why = "no pipe" if idle["counts_exact"] else "could not be inspected"
assert why in rows[1]["unknown"]["pipe.capacity"], rows[1]["unknown"]
assert all(r["pipe"] is None for r in rows[2:]), rows
assert all(not k.startswith("pipe.") for r in rows[2:] for k in r["unknown"]), rows
for row in rows:
    for key, value in row["unknown"].items():
        node = row
        for part in key.split("."):
            node = node[part]
        assert node is None and value, (key, row)
PY
ok "names exact, numbers numeric, local RFC 3339 and epoch agree, nulls explained"

python3 - "$SCHEMA" "$DOC" <<'PY'
import json, sys
schema, doc = json.load(open(sys.argv[1])), open(sys.argv[2]).read()
fields = set(schema["properties"])
for name in ("time", "pipe", "holder"):
    fields |= set(schema["$defs"][name]["properties"])
missing = sorted(f for f in fields if "`%s`" % f not in doc)
assert not missing, "docs/json.md does not document: %s" % missing
PY
ok "docs/json.md documents every field of the schema"
