package similar

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Ad is one job ad as the index sees it.
type Ad struct {
	ID string
	// Text is already folded and normalised by the caller (lowercase,
	// NFKC, accents removed); the index only splits it into words.
	Text string
	// Tokens are opaque identifier tokens (keyed hashes of phones,
	// WhatsApp numbers, e-mails, handles). Equal tokens link ads.
	Tokens   []string
	City     string
	PostedAt time.Time
}

// Pair is a verified near-duplicate: two ads whose shingle sets have exact
// Jaccard at least the threshold. A is the ad being added, B an earlier one.
type Pair struct {
	A, B    string
	Jaccard float64
}

// Config sets the index's parameters. Zero fields take the defaults of
// DefaultConfig; a negative HubMaxDegree or HubMaxFraction turns that rule
// off.
type Config struct {
	// Hashes is the number of MinHash functions; it must equal
	// Bands×Rows (0 means Bands×Rows).
	Hashes int
	// Bands × Rows is the LSH banding (default 18 × 8, see the package
	// documentation for the S-curve).
	Bands, Rows int
	// Threshold is the exact Jaccard a candidate needs to become a
	// "same template" edge (default 0.8).
	Threshold float64
	// MinWords: ads with fewer words are shingled by character 5-grams
	// instead of word 5-grams (default 30).
	MinWords int
	// HubMaxDegree: an identifier in more than this many ads is a hub
	// (default 200).
	HubMaxDegree int
	// HubMaxFraction: an identifier in more than this fraction of all ads
	// (and in more than 20) is a hub (default 0.01).
	HubMaxFraction float64
	// HubAllow lists identifier tokens that are always hubs: hotlines,
	// known agencies' switchboards.
	HubAllow []string
	// MaxBucket caps how many earlier ads are read from one LSH bucket
	// when an ad is added (default 2000), so that an ad reposted
	// thousands of times costs a bounded amount per copy. The most recent
	// ads in the bucket are the ones read.
	MaxBucket int
	// TemplateSample is how many members of each near-duplicate group
	// keep their word sequence for the template summary (default 20).
	TemplateSample int
	// TemplateWords caps the words kept per ad for the template summary
	// (default 120).
	TemplateWords int
	// Seed picks the MinHash functions. Indexes that are compared must
	// share it.
	Seed uint64
	// Mask replaces what changes between copies of a template (numbers,
	// phones, e-mails, links, handles, given names, places: see Mask)
	// by slot markers before shingling, so that copies of one
	// recruitment template that differ in name, city, pay and phone are
	// near-duplicates. DefaultConfig turns it on; unlike the other
	// fields, false is not replaced by the default (a bool cannot say
	// "unset"), so a Config written field by field shingles the text as
	// it is, as before masking existed.
	Mask bool
}

// hubFloor: below this degree the fraction rule never makes a hub, so that
// a small corpus (where 1 % is a handful of ads) keeps its links.
const hubFloor = 20

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Hashes:         144,
		Bands:          18,
		Rows:           8,
		Threshold:      0.8,
		MinWords:       30,
		HubMaxDegree:   200,
		HubMaxFraction: 0.01,
		MaxBucket:      2000,
		TemplateSample: 20,
		TemplateWords:  120,
		Seed:           0x76696769612d6d78, // "vigia-mx"
		Mask:           true,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.Bands == 0 && c.Rows == 0 {
		c.Bands, c.Rows = d.Bands, d.Rows
	}
	if c.Bands <= 0 || c.Rows <= 0 {
		panic(fmt.Sprintf("similar: bad banding %d × %d", c.Bands, c.Rows))
	}
	if c.Hashes == 0 {
		c.Hashes = c.Bands * c.Rows
	}
	if c.Hashes != c.Bands*c.Rows {
		panic(fmt.Sprintf("similar: Hashes = %d, want Bands×Rows = %d", c.Hashes, c.Bands*c.Rows))
	}
	if c.Threshold == 0 {
		c.Threshold = d.Threshold
	}
	if c.MinWords == 0 {
		c.MinWords = d.MinWords
	}
	if c.HubMaxDegree == 0 {
		c.HubMaxDegree = d.HubMaxDegree
	}
	if c.HubMaxFraction == 0 {
		c.HubMaxFraction = d.HubMaxFraction
	}
	if c.MaxBucket == 0 {
		c.MaxBucket = d.MaxBucket
	}
	if c.TemplateSample == 0 {
		c.TemplateSample = d.TemplateSample
	}
	if c.TemplateWords == 0 {
		c.TemplateWords = d.TemplateWords
	}
	if c.Seed == 0 {
		c.Seed = d.Seed
	}
	return c
}

// Sketch is an ad reduced to what the index needs: shingle set, LSH band
// keys and words. Computing it is the expensive, parallel part of Add.
type Sketch struct {
	ad    Ad
	h     *hasher
	set   []uint32
	bands []uint32
	words []string
	vals  []uint32 // per slot marker in words, a hash of what it hides
}

// Shingles returns the sketch's shingle set (sorted; do not modify).
func (s *Sketch) Shingles() []uint32 { return s.set }

// BandKeys returns the sketch's LSH band keys, one per band (do not
// modify): two texts share a key with the probability the banding's S-curve
// gives for their Jaccard similarity, so stored keys find similar texts
// without keeping the texts.
func (s *Sketch) BandKeys() []uint32 { return s.bands }

// token is an identifier and the ads that carry it, in order of addition.
type token struct {
	name    string
	ads     []uint32
	allowed bool // on the hub allow-list: never links
	applied bool // its ads are joined in Index.all
}

// Index is an incremental near-duplicate and shared-contact index. Add is
// not safe for concurrent use; Sketch is.
type Index struct {
	cfg    Config
	h      *hasher
	byID   map[string]uint32
	ids    []string
	city   []uint32
	cities []string
	cityID map[string]uint32
	posted []int64 // Unix nanoseconds; math.MinInt64 when unknown

	sets    arena
	setRef  []ref
	setLen  []uint32
	words   arena
	wordRef []ref
	wordLen []uint16
	vocab   map[string]uint32
	wordStr []string

	// LSH: per band, bucket key → most recent ad (index+1); chain links
	// each ad to the previous ad of the same bucket, chain[ad*bands+band].
	tables []map[uint32]uint32
	chain  []uint32
	stamp  []uint32 // stamp[ad] == adding+1: ad already a candidate

	tmpl     forest   // "same template" edges only
	tmplKept []uint16 // at a tmpl root: members that kept their words
	tmplDeg  []uint32 // verified pairs with earlier ads
	tree     []treeEdge

	toks    []token
	tokID   map[string]uint32
	adToks  []uint32 // token ids of all ads, back to back
	adTokAt []uint32 // ad i's tokens are adToks[adTokAt[i]:adTokAt[i+1]]

	all     forest              // template + non-hub contact edges
	pending map[uint32]struct{} // hub tokens that may stop being hubs as the index grows
	dirty   bool                // a token became a hub after linking: rebuild all

	stats Stats
}

// treeEdge is a "same template" edge that joined two groups.
type treeEdge struct {
	a, b uint32
	j    float32
}

// Stats counts what the index has done.
type Stats struct {
	Ads        int
	Candidates int // LSH candidate pairs (before verification)
	Verified   int // candidate pairs with Jaccard ≥ threshold
	Tokens     int // distinct identifier tokens
	Hubs       int // tokens that are hubs now
	Rebuilds   int // times the contact forest was rebuilt after a hub appeared
	ShingleMB  float64
	WordMB     float64
}

// NewIndex returns an empty index. It panics if the banding is invalid.
func NewIndex(c Config) *Index {
	c = c.withDefaults()
	ix := &Index{
		cfg:     c,
		h:       newHasher(c.Hashes, c.Bands, c.Rows, c.Seed),
		byID:    map[string]uint32{},
		cityID:  map[string]uint32{},
		vocab:   map[string]uint32{},
		tables:  make([]map[uint32]uint32, c.Bands),
		tokID:   map[string]uint32{},
		adTokAt: []uint32{0},
		pending: map[uint32]struct{}{},
	}
	for i := range ix.tables {
		ix.tables[i] = map[uint32]uint32{}
	}
	for _, t := range c.HubAllow {
		ix.intern(t).allowed = true
	}
	return ix
}

// Config returns the configuration in use, defaults filled in.
func (ix *Index) Config() Config { return ix.cfg }

// Len returns the number of ads added.
func (ix *Index) Len() int { return len(ix.ids) }

// Sketch shingles and signs an ad. It only reads the configuration, so many
// goroutines may call it at once; AddSketch then inserts the results in
// order.
func (ix *Index) Sketch(ad Ad) *Sketch {
	s := &Sketch{ad: ad, h: ix.h}
	switch {
	case !ix.cfg.Mask:
		s.words = Words(ad.Text)
		s.set = shingles(nil, s.words, ix.cfg.MinWords)
	default:
		s.words, s.vals = mask(nil, nil, ad.Text)
		if len(s.words) >= ix.cfg.MinWords && templateWords(s.words) {
			s.set = shinglesN(nil, s.words, ix.cfg.MinWords, maskedShingleN)
		} else {
			// Too little text besides the slots to call it a template:
			// a bare title and a city ("guardia de seguridad,
			// Monterrey"), or a short ad, whose few words unrelated
			// recruiters write alike ("mandanos tu foto y edad al
			// {TELEFONO} vacante en {LUGAR}"). On a million SYNTHETIC
			// ads, masking short ads glued 5,357 of them from many
			// networks into one cluster (bench/screen/README.md). Such
			// ads are shingled as written, so that only their copies
			// match; the masked words are still what a template shows.
			s.set = shingles(nil, Words(ad.Text), ix.cfg.MinWords)
		}
	}
	s.bands = ix.h.bandKeys(nil, s.set)
	s.ad.Text = ""
	return s
}

// minTemplateWords is how many different words, besides slots, a masked
// ad needs for masked shingling (it also needs Config.MinWords words in
// all, slots included). Job boards carry many bare titles with a
// place ("ejecutivo de ventas, Monterrey"); masked, the same title from
// unrelated employers in different cities would be "one template".
const minTemplateWords = 10

func templateWords(words []string) bool {
	var seen [minTemplateWords]string
	n := 0
	for _, w := range words {
		if IsSlot(w) || slices.Contains(seen[:n], w) {
			continue
		}
		seen[n] = w
		n++
		if n == minTemplateWords {
			return true
		}
	}
	return false
}

// Add inserts an ad and returns its verified near-duplicates among the ads
// added before it, most similar first. Adding an ID that is already in the
// index does nothing and returns nil.
func (ix *Index) Add(ad Ad) []Pair { return ix.AddSketch(ix.Sketch(ad)) }

// AddSketch is Add for an ad already sketched by this index.
func (ix *Index) AddSketch(s *Sketch) []Pair {
	if s.h != ix.h {
		panic("similar: sketch from another index")
	}
	ad := &s.ad
	if _, dup := ix.byID[ad.ID]; dup {
		return nil
	}
	idx := uint32(len(ix.ids))
	ix.byID[ad.ID] = idx
	ix.ids = append(ix.ids, ad.ID)
	ix.city = append(ix.city, ix.cityOf(ad.City))
	if ad.PostedAt.IsZero() {
		ix.posted = append(ix.posted, math.MinInt64)
	} else {
		ix.posted = append(ix.posted, ad.PostedAt.UnixNano())
	}
	ix.tmpl.add()
	ix.all.add()
	ix.stats.Ads++

	ix.setRef = append(ix.setRef, ix.sets.put(s.set))
	ix.setLen = append(ix.setLen, uint32(len(s.set)))
	ix.tmplKept = append(ix.tmplKept, 0)

	pairs := ix.lsh(idx, s)
	ix.tmplDeg = append(ix.tmplDeg, uint32(len(pairs)))

	// Words for the template summary: only for ads that already have a
	// near-duplicate (most ads never get one, and their words would be
	// the largest part of the index), and only while the group's sample
	// is not full. The first ad of a group therefore has none: templates
	// come from the second member on.
	var wr ref
	var wn int
	if len(pairs) > 0 {
		root := ix.tmpl.find(idx)
		if int(ix.tmplKept[root]) < ix.cfg.TemplateSample {
			ws := s.words[:min(len(s.words), ix.cfg.TemplateWords)]
			wids := make([]uint32, len(ws), len(ws)+len(s.vals))
			nslot := 0
			for i, w := range ws {
				wids[i] = ix.wordOf(w)
				if IsSlot(w) {
					nslot++
				}
			}
			// The values hidden by the kept words' slots follow the
			// words in the arena: no per-ad array for the many ads
			// that have no slot or keep no words. (Mask gives one
			// value per marker; unmasked words have no markers.)
			wids = append(wids, s.vals[:nslot]...)
			wr, wn = ix.words.put(wids), len(ws)
			if wn > 0 {
				ix.tmplKept[root]++
			}
		}
	}
	ix.wordRef = append(ix.wordRef, wr)
	ix.wordLen = append(ix.wordLen, uint16(wn))

	ix.link(idx, ad.Tokens)
	return pairs
}

// lsh finds, verifies and joins the near-duplicates of ad idx, then files
// it in the band buckets.
func (ix *Index) lsh(idx uint32, s *Sketch) []Pair {
	bands := uint32(ix.cfg.Bands)
	ix.chain = append(ix.chain, make([]uint32, bands)...)
	ix.stamp = append(ix.stamp, 0)
	if len(s.bands) == 0 {
		return nil
	}
	mark := idx + 1
	var cands []uint32
	for b, key := range s.bands {
		head := ix.tables[b][key]
		for c, n := head, 0; c != 0 && n < ix.cfg.MaxBucket; n++ {
			c--
			if ix.stamp[c] != mark {
				ix.stamp[c] = mark
				cands = append(cands, c)
			}
			c = ix.chain[c*bands+uint32(b)]
		}
		ix.chain[idx*bands+uint32(b)] = head
		ix.tables[b][key] = idx + 1
	}
	ix.stats.Candidates += len(cands)
	slices.Sort(cands)

	var pairs []Pair
	n := len(s.set)
	tau := ix.cfg.Threshold
	for _, c := range cands {
		m := int(ix.setLen[c])
		// J ≤ min/max: skip the merge when the sizes alone rule it out.
		if float64(min(n, m)) < tau*float64(max(n, m)) {
			continue
		}
		j := Jaccard(s.set, ix.sets.get(ix.setRef[c], ix.setLen[c]))
		if j < tau {
			continue
		}
		pairs = append(pairs, Pair{A: s.ad.ID, B: ix.ids[c], Jaccard: j})
		rt, rc := ix.tmpl.find(idx), ix.tmpl.find(c)
		if ix.tmpl.union(idx, c, ix.ids) {
			ix.tmplKept[ix.tmpl.find(idx)] = satAdd(ix.tmplKept[rt], ix.tmplKept[rc])
			ix.tree = append(ix.tree, treeEdge{idx, c, float32(j)})
		}
		ix.all.union(idx, c, ix.ids)
	}
	ix.stats.Verified += len(pairs)
	slices.SortStableFunc(pairs, func(x, y Pair) int {
		switch {
		case x.Jaccard > y.Jaccard:
			return -1
		case x.Jaccard < y.Jaccard:
			return 1
		}
		return 0
	})
	return pairs
}

func satAdd(a, b uint16) uint16 {
	if s := uint32(a) + uint32(b); s < math.MaxUint16 {
		return uint16(s)
	}
	return math.MaxUint16
}

// link files ad idx under its identifier tokens and joins it to the ads
// that share a token, unless the token is a hub.
func (ix *Index) link(idx uint32, names []string) {
	start := len(ix.adToks)
	for _, name := range names {
		if name == "" {
			continue
		}
		t := ix.tokID[name]
		if t == 0 {
			ix.intern(name)
			t = ix.tokID[name]
		}
		if slices.Contains(ix.adToks[start:], t-1) {
			continue
		}
		ix.adToks = append(ix.adToks, t-1)
	}
	ix.adTokAt = append(ix.adTokAt, uint32(len(ix.adToks)))
	for _, t := range ix.adToks[start:] {
		tk := &ix.toks[t]
		tk.ads = append(tk.ads, idx)
		if ix.isHub(tk) {
			if tk.applied {
				// Links made while it was not a hub must go:
				// union-find cannot undo them, so rebuild lazily.
				tk.applied = false
				ix.dirty = true
			}
			if !tk.allowed {
				ix.pending[t] = struct{}{}
			}
			continue
		}
		if tk.applied {
			ix.all.union(idx, tk.ads[0], ix.ids)
		} else {
			ix.apply(t)
		}
	}
}

func (ix *Index) intern(name string) *token {
	if t := ix.tokID[name]; t != 0 {
		return &ix.toks[t-1]
	}
	name = strings.Clone(name)
	ix.toks = append(ix.toks, token{name: name})
	ix.tokID[name] = uint32(len(ix.toks))
	ix.stats.Tokens++
	return &ix.toks[len(ix.toks)-1]
}

func (ix *Index) apply(t uint32) {
	tk := &ix.toks[t]
	for _, a := range tk.ads[1:] {
		ix.all.union(a, tk.ads[0], ix.ids)
	}
	tk.applied = true
	delete(ix.pending, t)
}

// hubLimit is the highest degree a non-hub identifier may have now:
// HubMaxDegree, lowered to HubMaxFraction of the ads but never below
// hubFloor.
func (ix *Index) hubLimit() int {
	lim := math.MaxInt
	if ix.cfg.HubMaxDegree > 0 {
		lim = ix.cfg.HubMaxDegree
	}
	if f := ix.cfg.HubMaxFraction; f > 0 {
		fl := max(int(f*float64(len(ix.ids))), hubFloor)
		lim = min(lim, fl)
	}
	return lim
}

func (ix *Index) isHub(tk *token) bool {
	return tk.allowed || len(tk.ads) > ix.hubLimit()
}

// sync brings Index.all up to date before a read: a full rebuild if some
// token became a hub after linking, and links for tokens that stopped being
// hubs because the index grew (the fraction rule).
func (ix *Index) sync() {
	if ix.dirty {
		ix.all.copyFrom(&ix.tmpl)
		clear(ix.pending)
		for t := range ix.toks {
			tk := &ix.toks[t]
			tk.applied = false
			if ix.isHub(tk) {
				if !tk.allowed && len(tk.ads) > 0 {
					ix.pending[uint32(t)] = struct{}{}
				}
				continue
			}
			if len(tk.ads) > 0 {
				ix.apply(uint32(t))
			}
		}
		ix.dirty = false
		ix.stats.Rebuilds++
		return
	}
	if len(ix.pending) == 0 {
		return
	}
	var now []uint32
	for t := range ix.pending {
		if !ix.isHub(&ix.toks[t]) {
			now = append(now, t)
		}
	}
	slices.Sort(now) // map order is random; keep the forest reproducible
	for _, t := range now {
		ix.apply(t)
	}
}

// ClusterOf returns the cluster of an ad: ClusterID of the smallest ad ID
// in it. Ads alone in their cluster, and unknown IDs, give ok == false.
func (ix *Index) ClusterOf(id string) (clusterID string, ok bool) {
	i, found := ix.byID[id]
	if !found {
		return "", false
	}
	ix.sync()
	r := ix.all.find(i)
	if ix.all.size[r] < 2 {
		return "", false
	}
	return ClusterID(ix.ids[ix.all.min[r]]), true
}

// Stats returns counters and sizes.
func (ix *Index) Stats() Stats {
	ix.sync()
	s := ix.stats
	s.Hubs = 0
	for t := range ix.toks {
		if ix.isHub(&ix.toks[t]) {
			s.Hubs++
		}
	}
	s.ShingleMB = float64(ix.sets.bytes()) / (1 << 20)
	s.WordMB = float64(ix.words.bytes()) / (1 << 20)
	return s
}

func (ix *Index) cityOf(c string) uint32 {
	if c == "" {
		return 0
	}
	if i, ok := ix.cityID[c]; ok {
		return i
	}
	c = strings.Clone(c)
	ix.cities = append(ix.cities, c)
	ix.cityID[c] = uint32(len(ix.cities))
	return uint32(len(ix.cities))
}

func (ix *Index) wordOf(w string) uint32 {
	if i, ok := ix.vocab[w]; ok {
		return i
	}
	w = strings.Clone(w)
	ix.wordStr = append(ix.wordStr, w)
	i := uint32(len(ix.wordStr) - 1)
	ix.vocab[w] = i
	return i
}

// Grow makes room for n more ads, so that a bulk load does not copy (and
// briefly hold twice) its per-ad arrays each time they double. It is only a
// hint.
func (ix *Index) Grow(n int) {
	if n <= 0 {
		return
	}
	ix.ids = slices.Grow(ix.ids, n)
	ix.city = slices.Grow(ix.city, n)
	ix.posted = slices.Grow(ix.posted, n)
	ix.setRef = slices.Grow(ix.setRef, n)
	ix.setLen = slices.Grow(ix.setLen, n)
	ix.wordRef = slices.Grow(ix.wordRef, n)
	ix.wordLen = slices.Grow(ix.wordLen, n)
	ix.chain = slices.Grow(ix.chain, n*ix.cfg.Bands)
	ix.stamp = slices.Grow(ix.stamp, n)
	ix.tmplKept = slices.Grow(ix.tmplKept, n)
	ix.tmplDeg = slices.Grow(ix.tmplDeg, n)
	ix.adTokAt = slices.Grow(ix.adTokAt, n)
	for _, f := range []*forest{&ix.tmpl, &ix.all} {
		f.parent = slices.Grow(f.parent, n)
		f.size = slices.Grow(f.size, n)
		f.min = slices.Grow(f.min, n)
	}
	if len(ix.byID) == 0 {
		ix.byID = make(map[string]uint32, n)
	}
}
