# The README's console examples run as they stand and print what they show.
# Each block marked `<!-- example: NAME -->` runs in a fresh empty directory
# in one bash session, with this build's fifo first on PATH; `$ ` starts a
# command, the lines after it are what it prints (stdout and stderr). In the
# expected text, a line that is just `...` stands for any lines, and `...`
# within a line for any text. Every console block must be marked.
# needs: python3 linux
source "$(dirname "$0")/lib.sh"
README="$SCRIPTS/../../README.md"
mkdir bin
ln -s "$F" bin/fifo
PATH="$T/bin:$PATH" python3 - "$README" <<'PY'
import os, re, subprocess, sys, tempfile

text = open(sys.argv[1]).read()
lines = text.split("\n")
blocks, problems = [], []
for i, line in enumerate(lines):
    if line.strip() != "```console":
        continue
    marker = re.fullmatch(r"<!-- example: ([\w-]+) -->", lines[i - 1].strip()) if i else None
    if not marker:
        problems.append(f"README.md:{i + 1}: a console block without an example marker")
        continue
    body = []
    for line in lines[i + 1:]:
        if line.strip() == "```":
            break
        body.append(line)
    blocks.append((marker.group(1), i + 1, body))

def pattern(expected):
    """A regex for the expected output, with the README's `...` elisions."""
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.split("...")) + r"\n")
    return re.compile("".join(parts), re.S)

for name, at, body in blocks:
    commands, expected = [], []
    for line in body:
        if line.startswith("$ "):
            commands.append(line[2:])
        else:
            expected.append(line)
    with tempfile.TemporaryDirectory() as work:
        script = "exec 2>&1\n" + "\n".join(commands) + "\nwait\n"
        try:
            run = subprocess.run(["bash", "-c", script], cwd=work, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, timeout=60)
            got = run.stdout.decode(errors="replace")
        except subprocess.TimeoutExpired:
            got = "(timed out after 60 s)\n"
        # Stop what an example left running in the background (fifo hold -b).
        subprocess.run(["bash", "-c", f'for f in "{work}"/*; do [ -p "$f" ] && fifo hold --stop -t 5s "$f"; done'],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if pattern(expected).fullmatch(got):
        print(f"ok - README example {name} (line {at})")
    else:
        problems.append(f"README example {name} (line {at}) printed:\n{got}--- but the README shows:\n" + "\n".join(expected))
if problems:
    sys.exit("FAIL - " + "\nFAIL - ".join(problems))
print(f"ok - {len(blocks)} README examples ran as shown")
PY
