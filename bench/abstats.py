"""Summarises interleaved benchmark runs (bench/frames.sh) as Markdown.

Reads lines "ROUND NAME SECONDS WRITER_CPU READER_CPU" on standard input,
one per transfer (CPU in user+system seconds; the writer's is the sum over
all writers). The transfers named by --base (dd; more than one may be
given) ran once in every round, next to the others, so each transfer's
ratio to each base is taken round by round (base seconds / its seconds) and
summarised like the rest: median, then the lowest and highest in brackets.
Rates and CPU are per GiB of --bytes.

    python3 bench/abstats.py --bytes 1073741824 --base dd --base dd_file < runs.txt
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
    parser.add_argument("--base", required=True, action="append")
    args = parser.parse_args()
    runs = {}
    order = []
    for line in sys.stdin:
        round_, name, secs, wcpu, rcpu = line.split()
        if name not in runs:
            order.append(name)
        runs.setdefault(name, {})[int(round_)] = (float(secs), float(wcpu), float(rcpu))
    bases = [b for b in args.base if b in runs]
    per_gib = GIB / args.bytes
    vs = "".join(f" rate vs {b}, round by round |" for b in bases)
    print(f"| transfer ({len(runs[bases[0]])} interleaved rounds; median (min-max)) "
          f"| MB/s |{vs} writer CPU s/GiB | reader CPU s/GiB |")
    print("|---|---:|" + "---:|" * len(bases) + "---:|---:|")
    for name in bases + [name for name in order if name not in bases]:
        rounds = runs[name]
        rates = [args.bytes / s / 1e6 for s, _, _ in rounds.values()]
        ratios = ""
        for b in bases:
            base = runs[b]
            values = [base[r][0] / rounds[r][0] for r in rounds if r in base]
            ratios += f" {spread(values, '{:.2f}')}× |"
        print(f"| {name} | {spread(rates, '{:.0f}')} |{ratios} "
              f"{spread([w * per_gib for _, w, _ in rounds.values()], '{:.2f}')} "
              f"| {spread([c * per_gib for _, _, c in rounds.values()], '{:.2f}')} |")


if __name__ == "__main__":
    main()
