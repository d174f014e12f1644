import json, glob, os, collections, sys
rnd = sys.argv[1] if len(sys.argv) > 1 else 'r1'
def load(d):
    out = {}
    for f in sorted(glob.glob(f'/tmp/annot/{d}/{rnd}-*.labels.jsonl')):
        for l in open(f):
            if l.strip():
                x = json.loads(l); out[x['id']] = x
    return out
A, B = load('A'), load('B')
texts = {}
for f in sorted(glob.glob(f'/tmp/annot/batches/{rnd}-*.jsonl')):
    for l in open(f):
        x = json.loads(l); texts[x['id']] = x['text']
print('A', len(A), 'B', len(B), 'texts', len(texts))
dis = []
lab = collections.Counter(); flagdis = 0
for i in texts:
    a, b = A[i], B[i]
    fa = set(f['id'] for f in a['flags']); fb = set(f['id'] for f in b['flags'])
    if a['label'] != b['label'] or fa != fb:
        dis.append(i)
    if a['label'] != b['label']: lab[(a['label'], b['label'])] += 1
    elif fa != fb: flagdis += 1
print('label disagreements', sum(lab.values()), lab.most_common())
print('flag-only disagreements', flagdis)
json.dump(dis, open(f'/tmp/annot/adj/{rnd}-disagree.json', 'w'))
# batches for the adjudicator: text + both annotations (anonymised as X/Y)
B_ = 40
for k in range(0, len(dis), B_):
    with open(f'/tmp/annot/adj/{rnd}-adj-{k//B_:03d}.jsonl', 'w') as f:
        for i in dis[k:k+B_]:
            f.write(json.dumps({'id': i, 'text': texts[i], 'annotation_X': {kk: A[i].get(kk) for kk in ('label','flags','note')}, 'annotation_Y': {kk: B[i].get(kk) for kk in ('label','flags','note')}}, ensure_ascii=False) + '\n')
print(len(glob.glob(f'/tmp/annot/adj/{rnd}-adj-*.jsonl')), 'adjudication batches')
