"""assemble.py: joins both annotations and the adjudications into gold/labels.jsonl.
Spans are code points of the ad text; no text is written."""
import json, glob, collections
ads = {json.loads(l)['id']: json.loads(l) for l in open('/tmp/annot/all.jsonl')}
sel = {}
for rnd in ('r1', 'r2'):
    try: sel.update({i: (rnd, v) for i, v in json.load(open(f'/tmp/annot/{"round1" if rnd=="r1" else "round2"}.json')).items()})
    except FileNotFoundError: pass
def load(pat):
    out = {}
    for f in sorted(glob.glob(pat)):
        for l in open(f):
            if l.strip(): x = json.loads(l); out[x['id']] = x
    return out
A = load('/tmp/annot/A/r*.labels.jsonl'); B = load('/tmp/annot/B/r*.labels.jsonl')
ADJ = load('/tmp/annot/adj/r*-adj-*.final.jsonl')
# design weights: random-sample inclusion probability per stratum
strata = collections.Counter((a['portal'], a['category']) for a in ads.values())
nsamp = collections.Counter((ads[i]['portal'], ads[i]['category']) for i, (r, v) in sel.items() if v.startswith('r1-random'))
portal_code = {'OCC Mundial': 'occ', 'Computrabajo': 'ct', 'ComputrabajoMX': 'ct', 'Bumeran México': 'bum'}
out = []; missing = 0
for i, (rnd, v) in sorted(sel.items()):
    if i not in A or i not in B:
        missing += 1; continue
    a, b = A[i], B[i]
    agree = a['label'] == b['label'] and {f['id'] for f in a['flags']} == {f['id'] for f in b['flags']}
    if agree: final, res = a, 'agreed'
    elif i in ADJ: final, res = ADJ[i], 'adjudicated'
    else: missing += 1; continue
    text = ads[i]['text']; flags = []
    for f in final['flags']:
        k = text.find(f['evidence'])
        if k < 0: continue
        flags.append({'id': f['id'], 'start': len(text[:k]), 'end': len(text[:k]) + len(f['evidence'])})
    kind = v.split(':')[0].split('-')[1]
    st = (ads[i]['portal'], ads[i]['category'])
    w = strata[st] / nsamp[st] if kind == 'random' else 1.0
    out.append({'id': i, 'portal': portal_code.get(ads[i]['portal'], ads[i]['portal']), 'category': ads[i]['category'],
                'round': rnd, 'selection': kind, 'label': final['label'], 'flags': sorted(flags, key=lambda f: (f['start'], f['id'])),
                'a': {'label': a['label'], 'flags': sorted({f['id'] for f in a['flags']})},
                'b': {'label': b['label'], 'flags': sorted({f['id'] for f in b['flags']})},
                'resolution': res, 'weight': round(w, 4)})
with open('/work/main/internal/screen/flags/gold/labels.jsonl', 'w') as f:
    for o in out: f.write(json.dumps(o, ensure_ascii=False) + '\n')
print(len(out), 'gold;', missing, 'pending', collections.Counter(o['label'] for o in out))
