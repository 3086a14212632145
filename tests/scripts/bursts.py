"""The two ends of the --buffer scenarios (buffer.sh, buffer_file.sh).

bursts.py produce MARK FILE: writes the file "data" to stdout in 1 MiB
bursts with short pauses; creates FILE once MARK MiB are out.
bursts.py consume INPUT: opens INPUT ("-" is stdin), waits until a file
"go" exists, then reads slowly; prints the sha256sum of what it read.
"""
import hashlib, os, sys, time

MIB = 1 << 20

def produce(mark, told):
    data = open("data", "rb").read()
    for i in range(len(data) // MIB):
        sys.stdout.buffer.write(data[i * MIB:(i + 1) * MIB])
        sys.stdout.flush()
        if i + 1 == mark:
            open(told, "w").close()
        if i % 5 == 4:
            time.sleep(0.02)

def consume(path):
    fd = 0 if path == "-" else os.open(path, os.O_RDONLY)
    for _ in range(2000):
        if os.path.exists("go"):
            break
        time.sleep(0.01)
    digest = hashlib.sha256()
    while chunk := os.read(fd, 1 << 16):
        digest.update(chunk)
        time.sleep(0.0003)
    print(digest.hexdigest(), " -")

if sys.argv[1] == "produce":
    produce(int(sys.argv[2]), sys.argv[3])
else:
    consume(sys.argv[2])
