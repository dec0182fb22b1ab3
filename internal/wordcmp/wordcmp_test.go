package wordcmp

import "testing"

func TestOverlap(t *testing.T) {
	t.Parallel()
	c, nr, ng := Overlap("The board, the Board. approved it", "the board approved approved")
	if c != 3 || nr != 6 || ng != 4 {
		t.Errorf("Overlap = %d, %d, %d; want 3, 6, 4", c, nr, ng)
	}
	if r, p := RecallPrecision("a b", ""); r != 0 || p != 0 {
		t.Errorf("empty got: %v %v", r, p)
	}
}
