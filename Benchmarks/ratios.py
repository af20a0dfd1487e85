#!/usr/bin/env python3
"""Reads the text table `swift package benchmark` prints (stdin) and prints, from the p50
column, how the TWP REQUEST codec compares with the Codable JSON envelope of the same call.

Usage: swift package benchmark 2>&1 | tee results.txt; python3 ratios.py < results.txt
"""
import re
import sys

CELL_SPLIT = re.compile(r"[│|]")


def parse(lines):
    """{benchmark name: {metric name: p50 as float}} from the text or markdown table."""
    results, current = {}, None
    for raw in lines:
        line = raw.strip()
        if not line or set(line) <= set("=-─═╒╤╕╞╪╡╘╧╛├┼┤+|:"):
            continue
        if line[0] in "│|":
            cells = [cell.strip() for cell in CELL_SPLIT.split(line)[1:-1]]
            if current is None or len(cells) < 4 or cells[1] == "p0":
                continue
            value = cells[3].replace(",", "")
            scale = {"K": 1e3, "M": 1e6, "G": 1e9}.get(value[-1:], 1)
            try:
                results.setdefault(current, {})[cells[0]] = float(value.rstrip("KMG")) * scale
            except ValueError:
                pass
        else:
            current = line.lstrip("#").strip()
    return results


def metric(results, benchmark, prefix):
    for name, value in results.get(benchmark, {}).items():
        if name.startswith(prefix):
            return value
    return None


def main():
    results = parse(sys.stdin)
    print("JSON / TWP for the same REQUEST (p50; > 1 means TWP is cheaper):")
    for direction in ("encode", "decode"):
        twp = f"TWP {direction} REQUEST ~100 B + metadata"
        json = f"JSON {direction} REQUEST ~100 B + metadata"
        for label, prefix in (("time", "Time (wall clock)"), ("mallocs", "Malloc (total)")):
            a, b = metric(results, json, prefix), metric(results, twp, prefix)
            if a is None or b is None:
                print(f"  {direction} {label}: missing from the input")
            elif b == 0:
                print(f"  {direction} {label}: JSON {a:g}, TWP 0")
            else:
                print(f"  {direction} {label}: JSON {a:g} / TWP {b:g} = {a / b:.1f}x")


if __name__ == "__main__":
    main()
