"""Summarises interleaved benchmark runs (bench/frames.sh) as Markdown.

Reads lines "ROUND NAME SECONDS WRITER_CPU READER_CPU" on standard input,
one per transfer (CPU in user+system seconds; the writer's is the sum over
all writers). The transfer named by --base (dd) ran once in every round,
next to the others, so each other transfer's ratio is taken round by round
(base seconds / its seconds) and summarised like the rest: median, then the
lowest and highest in brackets. Rates and CPU are per GiB of --bytes.

    python3 bench/abstats.py --bytes 1073741824 --base dd < runs.txt
"""
import argparse
import statistics
import sys

GIB = 1 << 30


def spread(values, fmt):
    """'median (min-max)' of values, each formatted with fmt."""
    values = sorted(values)
    middle = statistics.median(values)
    return f"{fmt.format(middle)} ({fmt.format(values[0])}-{fmt.format(values[-1])})"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bytes", type=int, required=True)
    parser.add_argument("--base", required=True)
    args = parser.parse_args()
    runs = {}
    order = []
    for line in sys.stdin:
        round_, name, secs, wcpu, rcpu = line.split()
        if name not in runs:
            order.append(name)
        runs.setdefault(name, {})[int(round_)] = (float(secs), float(wcpu), float(rcpu))
    base = runs[args.base]
    per_gib = GIB / args.bytes
    print(f"| transfer ({len(base)} interleaved rounds; median (min-max)) "
          f"| MB/s | rate vs {args.base}, round by round | writer CPU s/GiB | reader CPU s/GiB |")
    print("|---|---:|---:|---:|---:|")
    for name in [args.base] + [name for name in order if name != args.base]:
        rounds = runs[name]
        rates = [args.bytes / s / 1e6 for s, _, _ in rounds.values()]
        ratios = [base[r][0] / rounds[r][0] for r in rounds if r in base]
        print(f"| {name} | {spread(rates, '{:.0f}')} | {spread(ratios, '{:.2f}')}× "
              f"| {spread([w * per_gib for _, w, _ in rounds.values()], '{:.2f}')} "
              f"| {spread([c * per_gib for _, _, c in rounds.values()], '{:.2f}')} |")


if __name__ == "__main__":
    main()
