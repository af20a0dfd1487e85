#!/usr/bin/env python3
"""Solves job-fair instances with the `matching` package's HospitalResident, for the Swift
cross-check (Tests/JobFairCoreTests/PythonCrossCheckTests.swift).

Reads JSON from the file named by argv[1]:
  {"instances": [{"seekers": {"<id>": [position ids, most wanted first]},
                  "positions": {"<id>": {"capacity": n, "ranking": [seeker ids, best first]}}}]}
Writes JSON to stdout:
  {"resident": [{"<seeker id>": position id, ...}, ...], "hospital": [...]}
(matched seekers only), the resident-optimal and the hospital-optimal matchings.

HospitalResident wants mutually consistent lists: a seeker's list keeps only the positions
that rank them; a position's ranking already holds only seekers who listed it. Players left
with empty lists are omitted (they are unmatched either way).
"""
import json
import sys
import threading
import warnings

from matching.games import HospitalResident


def solve(instance, optimal):
    positions = instance["positions"]
    ranks = {pid: set(p["ranking"]) for pid, p in positions.items()}
    resident_prefs = {}
    for sid, choices in instance["seekers"].items():
        kept = [str(pid) for pid in choices if int(sid) in ranks.get(str(pid), ())]
        if kept:
            resident_prefs[sid] = kept
    hospital_prefs = {}
    capacities = {}
    for pid, position in positions.items():
        ranking = [str(sid) for sid in position["ranking"] if str(sid) in resident_prefs]
        if ranking:
            hospital_prefs[pid] = ranking
            capacities[pid] = position["capacity"]
    if not resident_prefs or not hospital_prefs:
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any input warning means our lists were inconsistent
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
        matching = game.solve(optimal=optimal)
    assert game.check_validity() and game.check_stability()
    result = {}
    for hospital, residents in matching.items():
        for resident in residents:
            result[resident.name] = int(hospital.name)
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        instances = json.load(handle)["instances"]
    json.dump({
        "resident": [solve(instance, "resident") for instance in instances],
        "hospital": [solve(instance, "hospital") for instance in instances],
    }, sys.stdout)


if __name__ == "__main__":
    # HospitalResident deep-copies its players, whose preference lists point at each other:
    # at demo scale that recursion is far deeper than Python's default limit allows.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    worker = threading.Thread(target=main)
    worker.start()
    worker.join()
