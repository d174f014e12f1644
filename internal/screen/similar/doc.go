// Package similar links job ads into clusters an investigator can read: ads
// that are near-duplicates of one template ("misma plantilla") and ads that
// give the same contact ("mismo teléfono"), with the two kinds of edge kept
// apart so every link can be explained.
//
// # Use
//
//	ix := similar.NewIndex(similar.DefaultConfig())
//	for _, ad := range ads {
//		pairs := ix.Add(ad) // verified near-duplicates among earlier ads
//	}
//	for _, c := range ix.Clusters() { ... } // size ≥ 2, largest first
//	id, ok := ix.ClusterOf("ad-123")         // ClusterID(smallest member id)
//
// Ad.Text must already be folded (lowercase, NFKC, no accents) and
// Ad.Tokens are opaque identifier tokens (keyed hashes of phones, e-mails,
// handles); the index neither normalises nor extracts. For bulk loads,
// Index.Sketch (the costly part: shingles, MinHash, band keys) may run on
// many goroutines, followed by Index.AddSketch in input order.
//
// # Templates with slots: masking
//
// Copies of one recruitment template differ in what the recruiter fills in:
// the contact name, the city, the pay, the phone. With Config.Mask (on in
// DefaultConfig) the index first replaces those by slot markers (Mask):
// numbers and money {NUMERO}, runs of 8 or more digits, written or spelled
// out, {TELEFONO}, e-mails {CORREO}, links {URL}, @handles {USUARIO},
// common given names {NOMBRE} (names.go) and the municipalities of the
// bundled INEGI catalog, the 32 states and common aliases {LUGAR}. The
// masked words are shingled as word 2-grams (see maskedShingleN for why
// not 5), and near-duplicates are verified by exact Jaccard on those
// shingles. A short ad (fewer than Config.MinWords masked words) or one
// with fewer than 10 different words besides its slots (a bare title and
// a city) is shingled as written instead, so that only its copies match
// it: masked, every "ejecutivo de ventas, <city>" would be one template,
// and short ads that unrelated recruiters word alike would chain whole
// networks together. Each slot also keeps a hash of the text it hides, so a
// cluster can say which of its slots vary between members without keeping
// the text.
//
// # Near-duplicates: shingles, MinHash, LSH, exact verification
//
// Without masking, an ad's shingles are its word 5-grams, or, when it has fewer than
// Config.MinWords (30) words, the character 5-grams of its words joined by
// single spaces: in a 12-word ad one changed word removes 5 of its 8 word
// 5-grams, so word shingles cannot tell a template from an unrelated ad.
// Shingles are stored as sorted 32-bit hashes (4 bytes each; a spurious
// collision between two ads has probability about 10⁻⁶). An ad near the
// 30-word boundary can be shingled differently from its copy and then not
// match it; this is the price of one shingle kind per ad.
//
// Each set gets a MinHash signature of Bands×Rows values, hashed band by
// band into 32-bit keys in an incremental LSH table (band key → the ads in
// that bucket, as a linked chain). The signature itself is not kept. A pair
// with Jaccard J becomes a candidate with probability
//
//	P(J) = 1 − (1 − J^r)^b
//
//	banding                 J = 0.5   0.6    0.7    0.75   0.8    0.85   0.9
//	16 × 8 (128 hashes)     0.061  0.237  0.613  0.815  0.947  0.994  1.000
//	18 × 8 (144, default)   0.068  0.263  0.657  0.850  0.963  0.997  1.000
//	20 × 7 (140)            0.145  0.433  0.821  0.943  0.991  1.000  1.000
//	 9 × 13 (datasketch)    0.001  0.012  0.084  0.195  0.399  0.686  0.929
//
// 16 × 8 misses 5.3 % of pairs at exactly J = 0.8; 18 × 8 keeps P ≥ 0.95
// from the threshold up for 12.5 % more hashing, while pairs at J = 0.5
// become candidates only 6.8 % of the time. Every candidate is verified by
// exact Jaccard on the stored shingle sets (after a size filter: J ≤
// min/max), so reported pairs have precision 1; recall and the
// candidate/true-pair ratio are measured in TestDedupRecall and
// bench/screen/README.md. Config.MaxBucket bounds how many earlier ads one
// bucket contributes, so that a text reposted thousands of times does not
// make each new copy cost thousands of verifications.
//
// # Contacts and hubs
//
// Ads that carry the same token are linked, unless the token is a hub. A
// token is a hub when
//
//   - it is on Config.HubAllow (hotlines, agency switchboards), or
//   - more than HubMaxDegree ads carry it (default 200), or
//   - more than HubMaxFraction of all ads carry it (default 1 %), and more
//     than 20 do: the floor keeps small corpora, where 1 % is a handful of
//     ads, linked.
//
// So the effective limit is min(HubMaxDegree, max(20, HubMaxFraction × ads)):
// 20 up to 2,000 ads, 1 % up to 20,000, then 200. A hub links nothing: one
// hotline quoted in 5 % of ads would otherwise make a single giant
// component. Hubs still appear in a cluster's SharedTokens, marked Hub, for
// the analyst (and the H2/H5 flags) to see.
//
// # Clusters, incrementally
//
// Clusters are the connected components of template edges plus non-hub
// contact edges, kept in union-find forests. Adding ads never rebuilds the
// LSH table. Union-find cannot undo a link, so when a token that already
// linked ads becomes a hub, the contact forest is rebuilt from the template
// forest on the next read (Clusters, ClusterOf, Stats); a token that stops
// being a hub because the index grew (the fraction rule) is linked on the
// next read. Components do not depend on the order of unions, so the
// clusters after any sequence of Adds and reads equal those of a batch run
// over the same ads in the same order; the input order only matters through
// MaxBucket.
//
// A cluster's ID is ClusterID of its smallest member ID (string order): "c-"
// and 16 hex digits of its SHA-256. Adding ads that do not join a cluster
// never renames it, whatever their IDs or order; it changes only when an ad
// with a smaller ID joins, or two clusters merge. Ads alone have no cluster.
//
// # Summaries
//
// Cluster gives the members, cities, PostedAt span, shared identifiers with
// their counts, edge counts by kind, a spanning tree of explained links
// ("misma plantilla", "mismo contacto"), and a template: the kept (masked)
// word sequences of the cluster's largest near-duplicate group, aligned by
// longest common subsequence against its earliest kept member, with words
// not shared by every sequence (and anything inserted between them)
// replaced by "{…}", and, per kind of slot, how many of its places vary
// between members (Cluster.Slots). To bound memory, only
// ads that had a near-duplicate when added keep their words (as ids into a
// vocabulary), at most TemplateSample per group and TemplateWords per ad.
//
// # Memory
//
// Per ad the index keeps its ID, city and date, the shingle set (4 bytes per
// shingle), Bands LSH entries and chain links, two union-find forests and
// its token ids; no text and no signature. On the 1M-ad synthetic benchmark
// the live heap is about 0.9 KiB per ad (bench/screen/README.md).
package similar
