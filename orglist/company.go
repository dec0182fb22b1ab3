package orglist

import (
	"fmt"
	"strings"
)

// NormalizeCompanyNumber returns a Companies House number in its
// canonical eight characters: "4830352" is "04830352", "SC123" is
// "SC000123". Prefixes (SC Scotland, NI Northern Ireland, OC and SO
// limited liability partnerships, and the others Companies House uses) are
// kept; the digits after them are padded to fill eight characters.
func NormalizeCompanyNumber(s string) (string, error) {
	n := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	n = strings.TrimPrefix(n, "'") // a leading apostrophe keeps zeros in Excel
	if n == "" {
		return "", nil
	}
	letters := 0
	for letters < len(n) && n[letters] >= 'A' && n[letters] <= 'Z' {
		letters++
	}
	digits := n[letters:]
	allDigits := digits != ""
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			allDigits = false
		}
	}
	switch {
	case letters == 0 && allDigits && len(n) <= 8:
		if strings.Trim(n, "0") == "" {
			return "", fmt.Errorf("company number %q is not valid", s)
		}
		return strings.Repeat("0", 8-len(n)) + n, nil
	case letters == 2 && allDigits && len(n) <= 8:
		return n[:2] + strings.Repeat("0", 8-len(n)) + digits, nil
	case len(n) == 8 && isAlnum(n) && strings.Count(n, "")-1-countLetters(n) >= 4:
		// other shapes on official lists: R0000035 (an old Northern
		// Ireland number), IP28985R (a registered society)
		return n, nil
	}
	return "", fmt.Errorf("company number %q is not valid", s)
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func countLetters(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			n++
		}
	}
	return n
}
