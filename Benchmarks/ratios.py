#!/usr/bin/env python3
"""Reads the text table `swift package benchmark` prints (stdin) and prints how the TWP
REQUEST codec compares with the Codable JSON envelope of the same call, at p0 (the least
disturbed sample on a shared machine) and p50.

Usage: swift package benchmark --no-progress 2>&1 | tee results.txt; python3 ratios.py < results.txt
"""
import re
import sys

CELL_SPLIT = re.compile(r"[│|]")
TIME_UNIT_NS = {"ns": 1.0, "μs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
COUNT_SUFFIX = {"K": 1e3, "M": 1e6, "G": 1e9}
PERCENTILES = {"p0": 1, "p50": 3}


def number(cell):
    cell = cell.replace(",", "")
    scale = COUNT_SUFFIX.get(cell[-1:], 1.0)
    return float(cell.rstrip("KMG")) * scale


def parse(lines):
    """{benchmark: {metric: {percentile: value}}}, times converted to nanoseconds."""
    results, current = {}, None
    for raw in lines:
        line = raw.strip()
        if not line or set(line) <= set("=-─═╒╤╕╞╪╡╘╧╛├┼┤+|: "):
            continue
        if line[0] not in "│|":
            current = line.lstrip("#").strip()
            continue
        cells = [cell.strip() for cell in CELL_SPLIT.split(line)[1:-1]]
        if current is None or len(cells) < 4 or cells[1] == "p0":
            continue
        name = cells[0]
        unit = re.search(r"\((ns|μs|us|ms|s)\)", name)
        factor = TIME_UNIT_NS[unit.group(1)] if name.startswith("Time") and unit else 1.0
        try:
            values = {p: number(cells[i]) * factor for p, i in PERCENTILES.items()}
        except ValueError:
            continue
        results.setdefault(current, {})[name.split(" (")[0]] = values
    return results


def main():
    results = parse(sys.stdin)
    print("JSON ÷ TWP for the same REQUEST (above 1: TWP is cheaper by that factor):")
    for direction in ("encode", "decode"):
        twp = results.get(f"TWP {direction} REQUEST ~100 B + metadata", {})
        json = results.get(f"JSON {direction} REQUEST ~100 B + metadata", {})
        for metric, unit in (("Time", "ns"), ("Malloc", "mallocs")):
            a, b = json.get(metric), twp.get(metric)
            if a is None or b is None:
                print(f"  {direction} {metric}: missing from the input")
                continue
            parts = []
            for p in PERCENTILES:
                ratio = f"{a[p] / b[p]:.1f}x" if b[p] else "n/a (TWP 0)"
                parts.append(f"{p}: JSON {a[p]:g} / TWP {b[p]:g} {unit} = {ratio}")
            print(f"  {direction} {metric.lower()}: " + "; ".join(parts))


if __name__ == "__main__":
    main()
