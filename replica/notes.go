package replica

import (
	"sort"
	"strings"
)

// ConflictMark separates the two versions of lines that two computers
// changed differently: both are kept, one after the other, for the person
// to choose.
const ConflictMark = "⸻ the same lines, as edited on another computer: ⸻"

// Resolve returns the text a note shows: its one version, or its versions
// merged line by line against the text each was edited from. Where two
// versions changed the same lines differently, both are kept, separated by
// ConflictMark. It depends only on the note, so every computer shows the
// same text.
func Resolve(n *Note) string {
	if n == nil || len(n.Heads) == 0 {
		return ""
	}
	hs := append([]Head(nil), n.Heads...)
	sort.SliceStable(hs, func(i, j int) bool {
		ci, cj := hs[i].V.newest(), hs[j].V.newest()
		if ci != cj {
			return ci < cj
		}
		return hs[i].V.key() < hs[j].V.key()
	})
	acc := hs[0].Text
	for _, h := range hs[1:] {
		if h.Text == acc {
			continue
		}
		acc = merge3(h.Base, acc, h.Text)
	}
	return acc
}

// merge3 merges the changes a and b made to base, line by line (diff3).
func merge3(base, a, b string) string {
	switch {
	case a == b || b == base:
		return a
	case a == base:
		return b
	}
	bl, al, btl := lines(base), lines(a), lines(b)
	ma, mb := match(bl, al), match(bl, btl)
	if ma == nil || mb == nil {
		return a + "\n" + ConflictMark + "\n" + b
	}
	var out []string
	i, x, y := 0, 0, 0
	for i < len(bl) || x < len(al) || y < len(btl) {
		if i < len(bl) && ma[i] == x && mb[i] == y {
			out = append(out, bl[i])
			i, x, y = i+1, x+1, y+1
			continue
		}
		// The next base line both sides kept ends this chunk.
		j := i
		for j < len(bl) && (ma[j] < x || mb[j] < y) {
			j++
		}
		x2, y2 := len(al), len(btl)
		if j < len(bl) {
			x2, y2 = ma[j], mb[j]
		}
		cb, ca, cc := bl[i:j], al[x:x2], btl[y:y2]
		switch {
		case equal(ca, cb):
			out = append(out, cc...)
		case equal(cc, cb), equal(ca, cc):
			out = append(out, ca...)
		default:
			out = append(out, ca...)
			out = append(out, ConflictMark)
			out = append(out, cc...)
		}
		i, x, y = j, x2, y2
	}
	return strings.Join(out, "\n")
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// maxMatchCells bounds the longest-common-subsequence table (notes are
// short; a huge one is kept whole on both sides instead).
const maxMatchCells = 4 << 20

// match returns, for each line of base, the index of the line of other it
// is matched to in a longest common subsequence, or -1.
func match(base, other []string) []int {
	n, m := len(base), len(other)
	if (n+1)*(m+1) > maxMatchCells {
		return nil
	}
	// lcs[i][j]: LCS length of base[i:] and other[j:].
	w := m + 1
	lcs := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if base[i] == other[j] {
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			} else {
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	out := make([]int, n)
	for i := range out {
		out[i] = -1
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case base[i] == other[j]:
			out[i] = j
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}
