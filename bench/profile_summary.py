"""Summarise a py-spy collapsed-stack file: where the samples are, by own and by cumulative time.

python -m bench.profile_summary FILE [--top 25] [--match SUBSTRING]
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def summarise(path: Path, top: int, match: str = "") -> str:
    own: Counter[str] = Counter()
    cumulative: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1]
            for f in stack.split(";")
        ]
        own[frames[-1]] += count
        for frame in set(frames):
            cumulative[frame] += count
    lines = [f"{total} samples", "", "cumulative:"]
    for frame, count in cumulative.most_common():
        if match in frame and len(lines) < top + 3:
            lines.append(f"  {100 * count / total:5.1f}%  {frame}")
    lines += ["", "own:"]
    for frame, count in own.most_common(top):
        lines.append(f"  {100 * count / total:5.1f}%  {frame}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="")
    args = parser.parse_args()
    print(summarise(args.path, args.top, args.match))


if __name__ == "__main__":
    main()
