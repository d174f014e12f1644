package similar

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"strings"
	"time"
)

// Slot marks a varying span in a cluster's template: words that differ
// between copies, not a known kind of slot.
const Slot = "{…}"

// LinkKind says why two ads are in the same cluster.
type LinkKind string

// The two edge kinds are kept apart so that an analyst can tell "they
// copied the same ad" from "they give the same phone".
const (
	SameTemplate LinkKind = "template" // exact Jaccard ≥ threshold
	SameContact  LinkKind = "contact"  // a shared non-hub identifier
)

// Reason is the kind of link in the words of the Spanish interface.
func (k LinkKind) Reason() string {
	switch k {
	case SameTemplate:
		return "misma plantilla"
	case SameContact:
		return "mismo contacto"
	}
	return string(k)
}

// Link is one edge of a cluster's spanning tree.
type Link struct {
	Kind    LinkKind `json:"kind"`
	Reason  string   `json:"reason"` // Kind.Reason()
	A       string   `json:"a"`
	B       string   `json:"b"`
	Jaccard float64  `json:"jaccard,omitempty"` // SameTemplate only
	Token   string   `json:"token,omitempty"`   // SameContact only
}

// TokenCount is an identifier shared by several members of a cluster.
type TokenCount struct {
	Token  string `json:"token"`
	Count  int    `json:"count"`  // members of the cluster that carry it
	Degree int    `json:"degree"` // ads in the whole index that carry it
	Hub    bool   `json:"hub"`    // a hub: shown, but it links nothing
}

// EdgeCounts counts a cluster's edges by kind.
type EdgeCounts struct {
	// Template: verified near-duplicate pairs inside the cluster.
	Template int `json:"template"`
	// Contact: for each non-hub identifier shared inside the cluster,
	// the pairs of members that carry it, c(c−1)/2, summed (a pair that
	// shares two identifiers counts twice).
	Contact int `json:"contact"`
}

// SlotUse is one kind of slot in a cluster's template.
type SlotUse struct {
	Slot  string `json:"slot"`  // a marker such as SlotPlace, or Slot
	Count int    `json:"count"` // places in the template
	// Varying: of those places, how many hide different values in
	// different members (a phone that is the same in every copy is a
	// slot that does not vary). Slot itself always varies.
	Varying int `json:"varying"`
}

// Cluster is a connected component of ads, of two or more members.
type Cluster struct {
	ID      string   `json:"id"`      // ClusterID(Members[0])
	Members []string `json:"members"` // ad IDs, sorted
	Size    int      `json:"size"`
	Cities  []string `json:"cities"` // distinct, sorted; ads without a city add none
	// First and Last span the members' PostedAt (zero if none is known).
	First        time.Time    `json:"first,omitzero"`
	Last         time.Time    `json:"last,omitzero"`
	SharedTokens []TokenCount `json:"shared_tokens"` // most shared first
	// Template is the text of the largest near-duplicate group in the
	// cluster, aligned over up to TemplateSample of its members, with
	// masked parts as slot markers ({LUGAR}, {TELEFONO} …) and the other
	// varying spans replaced by Slot. It is empty when that group has
	// fewer than three members (a group's first member keeps no words, and
	// one sequence shows no variation), e.g. in a contact-only cluster.
	Template string `json:"template"`
	// Slots lists the kinds of slot in Template, by marker.
	Slots []SlotUse  `json:"slots"`
	Edges EdgeCounts `json:"edges"`
	// Links is a spanning tree of the cluster (Size−1 edges): enough to
	// explain why every member is in it. Template edges come first.
	Links []Link `json:"links"`
}

// ClusterID names the cluster whose smallest member ID (in string order)
// is minMember: "c-" and 16 hex digits of its SHA-256. It depends on that
// one member only, so adding ads that do not join a cluster never renames
// it, and the same ads give the same names in any order; and it does not
// repeat an ad's ID, which may say where it was scraped from.
func ClusterID(minMember string) string {
	sum := sha256.Sum256([]byte(minMember))
	return "c-" + hex.EncodeToString(sum[:8])
}

// Clusters returns the current clusters of two or more ads, largest first,
// then by ID. It costs one pass over the index.
func (ix *Index) Clusters() []Cluster {
	ix.sync()
	n := len(ix.ids)
	// Bucket the ads by root (a counting sort), keeping index order.
	root := make([]uint32, n)
	count := make([]uint32, n+1)
	for i := range n {
		r := ix.all.find(uint32(i))
		root[i] = r
		count[r+1]++
	}
	for i := 1; i <= n; i++ {
		count[i] += count[i-1]
	}
	order := make([]uint32, n)
	pos := slices.Clone(count[:n])
	for i := range n {
		r := root[i]
		order[pos[r]] = uint32(i)
		pos[r]++
	}
	// Spanning-tree template edges, by root.
	treeAt := map[uint32][]treeEdge{}
	for _, e := range ix.tree {
		r := root[e.a]
		treeAt[r] = append(treeAt[r], e)
	}

	var out []Cluster
	w := newWorkspace()
	for r := range uint32(n) {
		members := order[count[r]:count[r+1]]
		if len(members) < 2 {
			continue
		}
		out = append(out, ix.summarise(members, treeAt[r], w))
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		if c := cmp.Compare(b.Size, a.Size); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

type workspace struct {
	uf    map[uint32]uint32
	toks  map[uint32]int
	dp    []uint16
	cityS map[uint32]bool
}

func newWorkspace() *workspace {
	return &workspace{uf: map[uint32]uint32{}, toks: map[uint32]int{}, cityS: map[uint32]bool{}}
}

func (w *workspace) find(i uint32) uint32 {
	for {
		p, ok := w.uf[i]
		if !ok || p == i {
			return i
		}
		if g, ok := w.uf[p]; ok {
			w.uf[i] = g
		}
		i = p
	}
}

// summarise describes one cluster; members are ad indexes in order of
// addition.
func (ix *Index) summarise(members []uint32, tree []treeEdge, w *workspace) Cluster {
	// Empty lists rather than nil: the report is JSON, and readers
	// should not have to tell null from [].
	c := Cluster{Size: len(members), Cities: []string{}, SharedTokens: []TokenCount{}, Slots: []SlotUse{}, Links: []Link{}}
	c.Members = make([]string, len(members))
	for i, m := range members {
		c.Members[i] = ix.ids[m]
	}
	slices.Sort(c.Members)
	c.ID = ClusterID(c.Members[0])

	clear(w.cityS)
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	clear(w.toks)
	for _, m := range members {
		if ci := ix.city[m]; ci != 0 {
			w.cityS[ci] = true
		}
		if p := ix.posted[m]; p != math.MinInt64 {
			first, last = min(first, p), max(last, p)
		}
		for _, t := range ix.adToks[ix.adTokAt[m]:ix.adTokAt[m+1]] {
			w.toks[t]++
		}
		c.Edges.Template += int(ix.tmplDeg[m])
	}
	for ci := range w.cityS {
		c.Cities = append(c.Cities, ix.cities[ci-1])
	}
	slices.Sort(c.Cities)
	if first <= last {
		c.First, c.Last = time.Unix(0, first).UTC(), time.Unix(0, last).UTC()
	}
	var shared []uint32
	for t, k := range w.toks {
		if k < 2 {
			continue
		}
		tk := &ix.toks[t]
		hub := ix.isHub(tk)
		c.SharedTokens = append(c.SharedTokens, TokenCount{Token: tk.name, Count: k, Degree: len(tk.ads), Hub: hub})
		if !hub {
			c.Edges.Contact += k * (k - 1) / 2
			shared = append(shared, t)
		}
	}
	slices.SortFunc(c.SharedTokens, func(a, b TokenCount) int {
		if x := cmp.Compare(b.Count, a.Count); x != 0 {
			return x
		}
		return strings.Compare(a.Token, b.Token)
	})

	// Spanning tree: template edges in the order they were found, then
	// contact edges token by token (by name, for a stable explanation).
	clear(w.uf)
	for _, e := range tree {
		ra, rb := w.find(e.a), w.find(e.b)
		if ra != rb {
			w.uf[ra] = rb
			c.Links = append(c.Links, Link{Kind: SameTemplate, Reason: SameTemplate.Reason(), A: ix.ids[e.a], B: ix.ids[e.b], Jaccard: float64(e.j)})
		}
	}
	slices.SortFunc(shared, func(a, b uint32) int { return strings.Compare(ix.toks[a].name, ix.toks[b].name) })
	for _, t := range shared {
		ads := ix.toks[t].ads
		for _, a := range ads[1:] {
			ra, rb := w.find(a), w.find(ads[0])
			if ra != rb {
				w.uf[ra] = rb
				c.Links = append(c.Links, Link{Kind: SameContact, Reason: SameContact.Reason(), A: ix.ids[a], B: ix.ids[ads[0]], Token: ix.toks[t].name})
			}
		}
	}

	if t, slots := ix.template(members, w); t != "" {
		c.Template, c.Slots = t, slots
	}
	return c
}

// template aligns the kept word sequences of the largest near-duplicate
// group in the cluster against its earliest member and replaces the words
// that are not in every sequence, and anything inserted between them, by
// Slot. It also says, for each kind of slot in the result, how many of its
// places hide different values in different members.
func (ix *Index) template(members []uint32, w *workspace) (string, []SlotUse) {
	groups := map[uint32][]uint32{}
	var best uint32
	bestN := 0
	for _, m := range members {
		r := ix.tmpl.find(m)
		if ix.wordLen[m] > 0 {
			groups[r] = append(groups[r], m)
		}
		// Largest group by full size; ties to the earliest root seen.
		if s := int(ix.tmpl.size[r]); s > bestN || s == bestN && r < best {
			best, bestN = r, s
		}
	}
	if bestN < 2 {
		return "", nil
	}
	// One kept sequence shows no variation: no template yet (the first
	// member of a group keeps no words, so this needs 3 members).
	g := groups[best]
	if len(g) < 2 {
		return "", nil
	}
	if len(g) > ix.cfg.TemplateSample {
		g = g[:ix.cfg.TemplateSample]
	}
	ref, refVals := ix.keptWords(g[0])
	fixed := make([]bool, len(ref))
	for i := range fixed {
		fixed[i] = true
	}
	gap := make([]bool, len(ref)+1) // gap[i]: something inserted before ref[i]
	varies := make([]bool, len(ref))
	refOrd := ix.slotOrdinals(ref)
	match := make([]int32, len(ref))
	for _, m := range g[1:] {
		seq, seqVals := ix.keptWords(m)
		w.dp = align(ref, seq, fixed, gap, match, w.dp)
		seqOrd := ix.slotOrdinals(seq)
		for i, j := range match {
			if j < 0 || refOrd[i] < 0 {
				continue
			}
			if a, b := refOrd[i], seqOrd[j]; a < len(refVals) && b < len(seqVals) && refVals[a] != seqVals[b] {
				varies[i] = true
			}
		}
	}
	var b strings.Builder
	uses := map[string]*SlotUse{}
	use := func(s string, vary bool) {
		u := uses[s]
		if u == nil {
			u = &SlotUse{Slot: s}
			uses[s] = u
		}
		u.Count++
		if vary {
			u.Varying++
		}
	}
	slot := false
	emit := func(s string) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s)
	}
	for i, id := range ref {
		if gap[i] || !fixed[i] {
			if !slot {
				emit(Slot)
				use(Slot, true)
				slot = true
			}
		}
		if fixed[i] {
			word := ix.wordStr[id]
			emit(word)
			if refOrd[i] >= 0 {
				use(word, varies[i])
			}
			slot = false
		}
	}
	if gap[len(ref)] && !slot {
		emit(Slot)
		use(Slot, true)
	}
	out := make([]SlotUse, 0, len(uses))
	for _, u := range uses {
		out = append(out, *u)
	}
	slices.SortFunc(out, func(a, b SlotUse) int { return strings.Compare(a.Slot, b.Slot) })
	return b.String(), out
}

// keptWords returns the word ids an ad kept for templates and the values
// hidden by its slot markers, which are stored after them.
func (ix *Index) keptWords(m uint32) (words, vals []uint32) {
	n := uint32(ix.wordLen[m])
	words = ix.words.get(ix.wordRef[m], n)
	slots := uint32(0)
	for _, id := range words {
		if IsSlot(ix.wordStr[id]) {
			slots++
		}
	}
	if slots == 0 {
		return words, nil
	}
	all := ix.words.get(ix.wordRef[m], n+slots)
	return all[:n:n], all[n:]
}

// slotOrdinals gives, for each word, its rank among the sequence's slot
// markers, or −1 for a word.
func (ix *Index) slotOrdinals(seq []uint32) []int {
	out := make([]int, len(seq))
	k := 0
	for i, id := range seq {
		if IsSlot(ix.wordStr[id]) {
			out[i] = k
			k++
		} else {
			out[i] = -1
		}
	}
	return out
}

// align computes a longest common subsequence of ref and seq, clears
// fixed[i] for the words of ref it leaves out and sets gap[i] where seq has
// words between ref[i−1] and ref[i] that are not in it. match[i] is set to
// the position in seq that ref[i] was aligned with, or −1 (match may be
// nil). dp is scratch.
func align(ref, seq []uint32, fixed, gap []bool, match []int32, dp []uint16) []uint16 {
	n, m := len(ref), len(seq)
	width := m + 1
	need := (n + 1) * width
	if cap(dp) < need {
		dp = make([]uint16, need)
	}
	dp = dp[:need]
	// dp[i*width+j] = LCS of ref[i:] and seq[j:].
	for j := 0; j <= m; j++ {
		dp[n*width+j] = 0
	}
	for i := n - 1; i >= 0; i-- {
		dp[i*width+m] = 0
		for j := m - 1; j >= 0; j-- {
			if ref[i] == seq[j] {
				dp[i*width+j] = dp[(i+1)*width+j+1] + 1
			} else {
				dp[i*width+j] = max(dp[(i+1)*width+j], dp[i*width+j+1])
			}
		}
	}
	for i := range match {
		match[i] = -1
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case ref[i] == seq[j]:
			if match != nil {
				match[i] = int32(j)
			}
			i++
			j++
		case dp[(i+1)*width+j] >= dp[i*width+j+1]:
			fixed[i] = false
			i++
		default:
			gap[i] = true
			j++
		}
	}
	for ; i < n; i++ {
		fixed[i] = false
	}
	if j < m {
		gap[n] = true
	}
	return dp
}
