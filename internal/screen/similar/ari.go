package similar

// AdjustedRand returns the Adjusted Rand Index between two labellings of the
// same items (Hubert and Arabie, 1985): 1 for identical partitions, about 0
// for independent ones. Items with equal labels are in the same group; to
// compare clusters with singletons, give each singleton its own label.
// It returns 1 when the index is undefined (fewer than two items, or both
// partitions all singletons or both one group).
func AdjustedRand(a, b []string) float64 {
	if len(a) != len(b) {
		panic("similar: AdjustedRand: labellings of different lengths")
	}
	if len(a) < 2 {
		return 1
	}
	type cell struct{ x, y string }
	na, nb, nab := map[string]int{}, map[string]int{}, map[cell]int{}
	for i := range a {
		na[a[i]]++
		nb[b[i]]++
		nab[cell{a[i], b[i]}]++
	}
	c2 := func(n int) float64 { return float64(n) * float64(n-1) / 2 }
	var sa, sb, sab float64
	for _, n := range na {
		sa += c2(n)
	}
	for _, n := range nb {
		sb += c2(n)
	}
	for _, n := range nab {
		sab += c2(n)
	}
	expected := sa * sb / c2(len(a))
	top := (sa+sb)/2 - expected
	if top == 0 {
		return 1
	}
	return (sab - expected) / top
}
