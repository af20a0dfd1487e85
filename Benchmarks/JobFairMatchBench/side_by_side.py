#!/usr/bin/env python3
"""Job-fair matching side by side, on the same instances:

  Swift   JobFairMatchBench (JobFairCore's deferred acceptance, release build)
  Python  a straightforward seeker-proposing deferred acceptance (heapq per position)
  matching  the `matching` package's HospitalResident, resident-optimal (small sizes only)

Every timing starts from the seekers' lists and per-choice fit scores and ends with the
matching (building the preference structures included; reading the file excluded). The three
results must be equal, seeker for seeker. Usage, from Benchmarks/:

  swift build -c release --product JobFairMatchBench
  python3 JobFairMatchBench/side_by_side.py [--binary .build/release/JobFairMatchBench]
"""
import argparse
import heapq
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time

LARGE = [(100_000, 2_000), (1_000_000, 20_000)]
PACKAGE = [(5_000, 200), (20_000, 500)]
if os.environ.get("JOBFAIR_BENCH_PACKAGE_ONLY"):
    LARGE = []
CHOICES = 10
PACKAGE_LIMIT_SECONDS = 120


def read_instance(path):
    with open(path, encoding="ascii") as handle:
        seekers, positions = map(int, handle.readline().split())
        capacities = list(map(int, handle.readline().split()))
        choices, scores = [], []
        for _ in range(seekers):
            numbers = list(map(int, handle.readline().split()))
            choices.append(numbers[0::2])
            scores.append(numbers[1::2])
    assert len(capacities) == positions
    return capacities, choices, scores


def deferred_acceptance(capacities, choices, scores):
    """Seeker-proposing deferred acceptance. A position prefers a higher score, then a lower
    seeker index; each keeps a min-heap of (score, -seeker) so its worst holder is on top."""
    held = [[] for _ in capacities]
    assignment = [-1] * len(choices)
    next_choice = [0] * len(choices)
    free = list(range(len(choices) - 1, -1, -1))
    while free:
        seeker = free.pop()
        mine, my_scores = choices[seeker], scores[seeker]
        while next_choice[seeker] < len(mine):
            index = next_choice[seeker]
            next_choice[seeker] += 1
            score = my_scores[index]
            if score < 0:
                continue
            position = mine[index]
            heap = held[position]
            entry = (score, -seeker)
            if len(heap) < capacities[position]:
                heapq.heappush(heap, entry)
                assignment[seeker] = position
                break
            if entry > heap[0]:
                _, displaced = heapq.heapreplace(heap, entry)
                assignment[seeker] = position
                assignment[-displaced] = -1
                free.append(-displaced)
                break
    return assignment


def package_solve(capacities, choices, scores, queue):
    """Runs `package_solve_now` on a thread with a deep stack: HospitalResident deep-copies
    its players, whose preference lists point at each other, recursing far deeper than
    Python's defaults allow."""
    import threading

    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    worker = threading.Thread(target=package_solve_now, args=(capacities, choices, scores, queue))
    worker.start()
    worker.join()


def package_solve_now(capacities, choices, scores, queue):
    """HospitalResident from the same instance: positions rank their ranked applicants by
    (score descending, seeker ascending); seekers keep the positions that rank them."""
    import warnings
    from matching.games import HospitalResident

    start = time.perf_counter()
    applicants = [[] for _ in capacities]
    resident_prefs = {}
    for seeker, (mine, my_scores) in enumerate(zip(choices, scores)):
        kept = [position for position, score in zip(mine, my_scores) if score >= 0]
        for position, score in zip(mine, my_scores):
            if score >= 0:
                applicants[position].append((-score, seeker))
        if kept:
            resident_prefs[seeker] = kept
    hospital_prefs, hospital_capacities = {}, {}
    for position, ranked in enumerate(applicants):
        if ranked:
            hospital_prefs[position] = [seeker for _, seeker in sorted(ranked)]
            hospital_capacities[position] = capacities[position]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, hospital_capacities)
        matching = game.solve(optimal="resident")
    seconds = time.perf_counter() - start
    assignment = [-1] * len(choices)
    for hospital, residents in matching.items():
        for resident in residents:
            assignment[resident.name] = hospital.name
    queue.put((seconds, assignment))


def run_swift(binary, seekers, positions, folder, repeats):
    instance = os.path.join(folder, f"instance-{seekers}.txt")
    assignment = os.path.join(folder, f"swift-{seekers}.txt")
    output = subprocess.run(
        [binary, "--seekers", str(seekers), "--positions", str(positions), "--choices", str(CHOICES),
         "--repeats", str(repeats), "--write-instance", instance, "--write-assignment", assignment],
        check=True, capture_output=True, text=True).stdout
    report = json.loads(output.strip().splitlines()[-1])
    with open(assignment, encoding="ascii") as handle:
        swift_assignment = [int(line) for line in handle]
    return report, instance, swift_assignment


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "JobFairMatchBench"))
    parser.add_argument("--repeats", type=int, default=5, help="Swift runs per size (best and median reported)")
    arguments = parser.parse_args()
    failures = 0

    with tempfile.TemporaryDirectory(prefix="jobfair-bench-") as folder:
        print(f"{'size (seekers x positions x choices)':<38}{'Swift best s':>13}{'Swift median s':>15}{'Swift peak RSS MiB':>19}"
              f"{'Python DA s':>13}{'Python÷Swift':>13}{'matching pkg s':>16}{'pkg÷Swift':>11}  equal")
        for seekers, positions in LARGE + PACKAGE:
            report, instance, swift_assignment = run_swift(arguments.binary, seekers, positions, folder, arguments.repeats)
            capacities, choices, scores = read_instance(instance)
            start = time.perf_counter()
            python_assignment = deferred_acceptance(capacities, choices, scores)
            python_seconds = time.perf_counter() - start
            equal = python_assignment == swift_assignment

            package_text, package_ratio = "-", "-"
            if (seekers, positions) in PACKAGE:
                queue = multiprocessing.Queue()
                worker = multiprocessing.Process(target=package_solve, args=(capacities, choices, scores, queue))
                worker.start()
                try:
                    package_seconds, package_assignment = queue.get(timeout=PACKAGE_LIMIT_SECONDS)
                    package_text = f"{package_seconds:.2f}"
                    package_ratio = f"{package_seconds / report['bestSeconds']:.0f}x"
                    equal = equal and package_assignment == swift_assignment
                except Exception:
                    worker.terminate()
                    package_text = f">{PACKAGE_LIMIT_SECONDS}"
                worker.join()

            failures += 0 if equal else 1
            size = f"{seekers:,} x {positions:,} x {CHOICES}"
            print(f"{size:<38}{report['bestSeconds']:>13.4f}{report['medianSeconds']:>15.4f}{report['peakRSSMiB']:>19}"
                  f"{python_seconds:>13.2f}{python_seconds / report['bestSeconds']:>12.0f}x{package_text:>16}{package_ratio:>11}  {'yes' if equal else 'NO'}")
            print(f"    {report['edges']:,} choices, {report['places']:,} places, {report['matched']:,} matched, "
                  f"{report['proposals']:,} proposals; Swift peak RSS after generating the instance "
                  f"{report['peakRSSMiBAfterGeneration']} MiB; instance generated in {report['generationSeconds']:.2f} s", flush=True)

    print(f"Python peak RSS (this process, largest instance): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    goals = "goals: 100,000 x 2,000 <= 0.2 s; 1,000,000 x 20,000 <= 3 s; Python DA / Swift >= 20x"
    print(goals)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
