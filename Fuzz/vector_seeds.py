#!/usr/bin/env python3
"""Turns each golden vector of proto-spec/vectors/frames.json into a fuzzer seed.

A seed is the configuration byte the fuzzer reads first (bit 0: 0 = server receives,
1 = client receives) followed by the peer's setup frames and the vector's input.
Usage: vector_seeds.py FRAMES_JSON OUT_DIR
"""
import json
import os
import sys


def main() -> None:
    source, out_dir = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as handle:
        document = json.load(handle)
    written = 0
    for vector in document.get("vectors", []):
        role_byte = 0x00 if vector.get("receiver") == "server" else 0x01
        stream = b"".join(bytes.fromhex(step["hex"]) for step in vector.get("setup", []) if step.get("from") == "peer")
        stream += bytes.fromhex(vector.get("input", ""))
        with open(os.path.join(out_dir, "vector-" + vector["name"]), "wb") as seed:
            seed.write(bytes([role_byte]) + stream)
        written += 1
    print(f"wrote {written} golden-vector seeds to {out_dir}")


if __name__ == "__main__":
    main()
