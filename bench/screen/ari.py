#!/usr/bin/env python3
"""ARI and largest-cluster share of `vigia screen` output against the
generator's ground truth (bench/screen/gen writes both; the data is synthetic).

usage: python3 bench/screen/ari.py screened.jsonl ads.truth.csv
Ads with no cluster count as singletons on both sides of the comparison.
"""
import csv, json, sys
from collections import Counter
from math import comb

def main(out_path, truth_path):
    truth = {}
    with open(truth_path) as f:
        r = csv.reader(f)
        next(r)
        for row in r:
            truth[row[0]] = row[1]
    pred = {}
    with open(out_path) as f:
        for line in f:
            o = json.loads(line)
            if o.get("id") is None:
                continue
            c = o.get("cluster")
            pred[o["id"]] = c if c is not None else "single:" + o["id"]
    ids = [i for i in pred if i in truth]
    t = [truth[i] if truth[i] not in ("", "-1", "none") else "single:" + i for i in ids]
    p = [pred[i] for i in ids]
    n = len(ids)
    cont = Counter(zip(t, p))
    a, b = Counter(t), Counter(p)
    sum_ij = sum(comb(v, 2) for v in cont.values())
    sum_a = sum(comb(v, 2) for v in a.values())
    sum_b = sum(comb(v, 2) for v in b.values())
    exp = sum_a * sum_b / comb(n, 2)
    mx = (sum_a + sum_b) / 2
    ari = (sum_ij - exp) / (mx - exp)
    largest = max(v for k, v in b.items() if not str(k).startswith("single:"))
    print(f"ads {n}  ARI {ari:.4f}  largest cluster {largest} ({100*largest/n:.3f} % of ads)")

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
