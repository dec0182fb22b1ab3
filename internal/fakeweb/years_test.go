package fakeweb

import (
	"testing"
	"time"
)

func TestShiftYears(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"for the financial year ended 31 March 2025.", "for the financial year ended 31 March 2026."},
		{"Statement 2024/25 and 2023-24", "Statement 2025/26 and 2024-25"},
		{"Statement 2099/00", "Statement 2100/01"},
		{"the Modern Slavery Act 2015", "the Modern Slavery Act 2015"},
		{"see /msa-2025.pdf or statement-2024-25 or msa_2025 or ?y=2025", "see /msa-2025.pdf or statement-2024-25 or msa_2025 or ?y=2025"},
		{"modern-slavery-statement-2025.pdf and 2025.pdf", "modern-slavery-statement-2025.pdf and 2025.pdf"},
		{"company number 09002025, 12025 staff", "company number 09002025, 12025 staff"},
	} {
		if got := shiftText(c.in, 1); got != c.want {
			t.Errorf("shiftText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	page := `<a href="/msa-2025.pdf" title="2025">Statement 2025</a><script>var y = "2025";</script><!-- 2025 --><p>31 March 2025</p>`
	want := `<a href="/msa-2025.pdf" title="2025">Statement 2026</a><script>var y = "2025";</script><!-- 2025 --><p>31 March 2026</p>`
	if got := shiftHTML(page, 1); got != want {
		t.Errorf("shiftHTML:\n got %s\nwant %s", got, want)
	}
	for _, c := range []struct {
		now  time.Time
		want int
	}{
		{AsOf, 0}, {AsOf.AddDate(0, 11, 0), 0}, {AsOf.AddDate(1, 0, 0), 1}, {time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC), 1},
		{time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), 2}, {time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), 0},
	} {
		if got := YearsSince(c.now); got != c.want {
			t.Errorf("YearsSince(%s) = %d, want %d", c.now.Format(time.DateOnly), got, c.want)
		}
	}
}
