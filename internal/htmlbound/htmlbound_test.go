package htmlbound

import (
	"context"
	"errors"
	"fmt"
	"runtime/metrics"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func allocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// attributeBomb is one element with n attributes: 20 MB holds two
// million, which x/net/html alone turns into most of a gigabyte.
func attributeBomb(n int) string {
	var b strings.Builder
	b.WriteString("<html><body><div")
	for i := range n {
		fmt.Fprintf(&b, " a%d=1", i)
	}
	b.WriteString(">Statement text</div></body></html>")
	return b.String()
}

// TestAttributeBomb is not parallel: it reads the process's allocations,
// which parallel tests would add to.
func TestAttributeBomb(t *testing.T) {
	page := attributeBomb(1_900_000)
	before := allocated()
	root, err := Parse(context.Background(), page)
	if err != nil {
		t.Fatal(err)
	}
	if got := (allocated() - before) >> 20; got > uint64(3*len(page))>>20 {
		t.Errorf("parsing %d MB allocated %d MB", len(page)>>20, got)
	}
	var div *html.Node
	for n := range root.Descendants() {
		if n.Type == html.ElementNode && n.Data == "div" {
			div = n
		}
	}
	if div == nil || len(div.Attr) != MaxAttrsPerElement || div.FirstChild == nil || div.FirstChild.Data != "Statement text" {
		t.Fatalf("div = %+v", div)
	}
}

func TestBounds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	deep := strings.Repeat("<div>", 1000) + "deep text" + strings.Repeat("</div>", 1000)
	root, err := Parse(ctx, deep)
	if err != nil {
		t.Fatalf("deep: %v", err)
	}
	depth, maxDepth := 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		depth++
		maxDepth = max(maxDepth, depth)
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		depth--
	}
	walk(root)
	if maxDepth > MaxDepth+8 {
		t.Errorf("tree %d deep", maxDepth)
	}
	if !strings.Contains(text(root), "deep text") {
		t.Error("lost the text of a deep page")
	}

	if _, err := Parse(ctx, strings.Repeat("<p>a</p>", MaxElements+1)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("too many elements: %v", err)
	}

	// scripts keep their tag even past the depth, so their content stays
	// script; attribute values are escaped again
	page := `<p title='a"b&lt;'>kept</p>` + strings.Repeat("<div>", MaxDepth+5) + `<script>var a = "<p>not text</p>";</script>`
	got, err := Bound(ctx, page)
	if err != nil {
		t.Fatal(err)
	}
	root, _ = html.Parse(strings.NewReader(got))
	if txt := text(root); strings.Contains(txt, "not text") && !strings.Contains(got, "<script>") {
		t.Errorf("script read as markup: %q", got)
	}
	if !strings.Contains(got, `title="a&#34;b&lt;"`) {
		t.Errorf("attribute not escaped again: %q", got[:40])
	}
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode && (d.Parent == nil || d.Parent.Data != "script") {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func TestCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Parse(ctx, strings.Repeat("<p>a</p>", 10000)); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func FuzzBound(f *testing.F) {
	f.Add("<p a=1 b='2'>x</p><script>if (a<b) {}</script>")
	f.Add(strings.Repeat("<b><i>", 300) + "t")
	f.Fuzz(func(t *testing.T, page string) {
		got, err := Bound(context.Background(), page)
		if err != nil {
			return
		}
		if len(got) > 2*len(page)+64 && len(page) > 100 {
			t.Errorf("%d bytes grew to %d", len(page), len(got))
		}
		if _, err := html.Parse(strings.NewReader(got)); err != nil && !strings.Contains(err.Error(), "too deep") {
			t.Errorf("bounded page does not parse: %v", err)
		}
	})
}

func TestTrimTags(t *testing.T) {
	t.Parallel()
	many := strings.Repeat(` a="1 > 2"`, maxTagAttrs+10)
	for _, tc := range []struct{ in, want string }{
		{`<p class="x">text</p>`, `<p class="x">text</p>`},
		{"<div" + many + ">text</div>", "<div" + strings.Repeat(` a="1 > 2"`, maxTagAttrs) + " >text</div>"},
		// a script's content is not read as tags
		{"<script>x = '<div" + many + ">'</script>", "<script>x = '<div" + many + ">'</script>"},
		{"<!-- <div" + many + "> -->", "<!-- <div" + many + "> -->"},
		{"a < b and <3", "a < b and <3"},
	} {
		if got := TrimTags(tc.in); got != tc.want {
			t.Errorf("TrimTags(%.60q…) = %.80q…", tc.in, got)
		}
	}
}

func FuzzTrimTags(f *testing.F) {
	f.Add(`<p a=1 b='2' c="3">x</p><script>if (a<b) {}</script><!-- c -->`)
	f.Fuzz(func(t *testing.T, page string) {
		if got := TrimTags(page); len(got) > len(page) {
			t.Errorf("%d bytes grew to %d", len(page), len(got))
		}
	})
}
