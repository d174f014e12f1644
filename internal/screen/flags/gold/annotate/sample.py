import json, random, collections, math
ads = [json.loads(l) for l in open('/tmp/annot/all.jsonl')]
cur = {json.loads(l)['id']: json.loads(l) for l in open('/tmp/annot/cur.jsonl')}
rng = random.Random(20261206)
strata = collections.defaultdict(list)
for a in ads: strata[(a['portal'], a['category'])].append(a['id'])
N = len(ads); target = 1400
chosen = {}
for k, ids in sorted(strata.items()):
    ids = sorted(ids); rng.shuffle(ids)
    n = max(min(20, len(ids)), round(len(ids) * target / N))
    for i in ids[:n]: chosen[i] = 'r1-random:%s|%s' % k
common = {'A3_EMPLOYER_ANON','C1_TRAVEL_PAID','A4_VAGUE_DUTIES','A2_NO_REQUIREMENTS','D1_YOUNG_FEMALE_APPEARANCE','A6_URGENCY','G1_EXCESSIVE_HOURS','B1_CHAT_ONLY','F2_ADVANCE_DEDUCTED'}
for i, d in sorted(cur.items()):
    fs = set(f['id'] for f in d.get('flags', []))
    if i in chosen: continue
    if len(fs) >= 2 or (fs - common):
        chosen[i] = 'r1-rules:' + ','.join(sorted(fs))
rest = sorted((d['risk'], i) for i, d in cur.items() if i not in chosen)
for r, i in rest[::-1][:300]: chosen[i] = 'r1-toprisk:%.3f' % r
print(len(chosen), collections.Counter(v.split(':')[0] for v in chosen.values()))
byid = {a['id']: a for a in ads}
order = sorted(chosen); rng.shuffle(order)
json.dump(chosen, open('/tmp/annot/round1.json', 'w'), indent=0)
B = 40
for b in range(0, len(order), B):
    with open('/tmp/annot/batches/r1-%03d.jsonl' % (b // B), 'w') as f:
        for i in order[b:b+B]:
            t = byid[i]['text']
            if len(t) > 3000: t = t[:3000] + ' […recortado]'
            f.write(json.dumps({'id': i, 'text': t}, ensure_ascii=False) + '\n')
print(math.ceil(len(order)/B), 'batches')
