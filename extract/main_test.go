package extract_test

import (
	"testing"

	"github.com/s54dev/s54/internal/leakcheck"
)

// TestMain fails the tests when they leave goroutines behind.
func TestMain(m *testing.M) { leakcheck.Main(m) }
