#!/usr/bin/env python3
"""check.py BATCH LABELS: validates one labels file against its batch."""
import json, sys, re
FLAGS = set(re.findall(r'^\| ([A-H]\d_[A-Z_]+) \|', open('/tmp/annot/guide.md').read(), re.M))
batch, labels = sys.argv[1], sys.argv[2]
texts = {}
for l in open(batch):
    d = json.loads(l); texts[d['id']] = d['text']
seen = set(); errs = []
for n, l in enumerate(open(labels), 1):
    if not l.strip(): continue
    try: d = json.loads(l)
    except Exception as e: errs.append(f'line {n}: not JSON: {e}'); continue
    i = d.get('id')
    if i not in texts: errs.append(f'line {n}: unknown id {i}'); continue
    if i in seen: errs.append(f'line {n}: duplicate id {i}')
    seen.add(i)
    if d.get('label') not in ('legit', 'scam', 'trafficking_risk', 'unsure'): errs.append(f'line {n}: bad label {d.get("label")}')
    if d.get('label') != 'legit' and not d.get('note'): errs.append(f'line {n}: note required for {d.get("label")}')
    if not isinstance(d.get('flags'), list): errs.append(f'line {n}: flags must be a list'); continue
    for f in d['flags']:
        if f.get('id') not in FLAGS: errs.append(f'line {n}: unknown flag {f.get("id")}')
        ev = f.get('evidence', '')
        if not ev or ev not in texts[i]: errs.append(f'line {n}: evidence for {f.get("id")} is not an exact substring of the ad: {ev!r}')
missing = set(texts) - seen
if missing: errs.append(f'{len(missing)} ads not labelled: {sorted(missing)[:5]}...')
print('\n'.join(errs) if errs else f'OK: {len(seen)} ads')
sys.exit(1 if errs else 0)
