package lazyre

import "testing"

func TestNew(t *testing.T) {
	t.Parallel()
	re := New(`a+b`)
	if first, again := re(), re(); first != again {
		t.Error("compiled twice")
	}
	if !re().MatchString("xaab") {
		t.Error("no match")
	}
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic on first use")
		}
	}()
	New(`(`)()
}
