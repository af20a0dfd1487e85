#!/usr/bin/env python3
"""Exact maximal covering location (MCLP) optima for CanteenCore's siting cross-check.

Reads JSON {"instances": [{"demand": [[x, y], ...], "candidates": [[x, y], ...],
"radius": metres, "k": int, "time_limit": seconds (optional)}]} from the file named by the
first argument and prints JSON {"results": [{"optimum": int, "seconds": float,
"status": str}]}: the largest number of demand points (weight 1 each) within `radius` of k
chosen candidates, found by spopt's MCLP model solved with PuLP's CBC.
"""
import json
import sys
import time

import numpy as np
import pulp
from spopt.locate import MCLP


def solve(instance):
    demand = np.asarray(instance["demand"], dtype=float).reshape(-1, 2)
    candidates = np.asarray(instance["candidates"], dtype=float).reshape(-1, 2)
    radius = float(instance["radius"])
    k = int(instance["k"])
    # Euclidean distances on the plane, demand × candidates.
    cost = np.sqrt(((demand[:, None, :] - candidates[None, :, :]) ** 2).sum(axis=2))
    weights = np.ones(len(demand))
    started = time.perf_counter()
    model = MCLP.from_cost_matrix(cost, weights, service_radius=radius, p_facilities=k)
    limit = instance.get("time_limit")
    solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=limit) if limit else pulp.PULP_CBC_CMD(msg=False)
    model = model.solve(solver)
    seconds = time.perf_counter() - started
    chosen = [j for j in range(len(candidates)) if model.fac_vars[j].value() and model.fac_vars[j].value() > 0.5]
    # Count coverage from the chosen sites ourselves rather than trusting the objective's
    # floating-point value.
    if chosen:
        covered = int((cost[:, chosen] <= radius).any(axis=1).sum())
    else:
        covered = 0
    return {"optimum": covered, "seconds": seconds, "status": pulp.LpStatus[model.problem.status],
            "chosen": chosen}


def main():
    with open(sys.argv[1]) as f:
        instances = json.load(f)["instances"]
    print(json.dumps({"results": [solve(i) for i in instances]}))


if __name__ == "__main__":
    main()
