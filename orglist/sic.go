package orglist

import (
	"strconv"
	"strings"
)

// sections are the SIC 2007 sections by their first and last two-digit
// division.
var sections = []struct {
	from, to int
	name     string
}{
	{1, 3, "Agriculture, forestry and fishing"},
	{5, 9, "Mining and quarrying"},
	{10, 33, "Manufacturing"},
	{35, 35, "Energy supply"},
	{36, 39, "Water, sewerage and waste"},
	{41, 43, "Construction"},
	{45, 47, "Wholesale and retail"},
	{49, 53, "Transport and storage"},
	{55, 56, "Accommodation and food services"},
	{58, 63, "Information and communication"},
	{64, 66, "Financial and insurance"},
	{68, 68, "Real estate"},
	{69, 75, "Professional, scientific and technical"},
	{77, 82, "Administrative and support services"},
	{84, 84, "Public administration and defence"},
	{85, 85, "Education"},
	{86, 88, "Health and social work"},
	{90, 93, "Arts, entertainment and recreation"},
	{94, 96, "Other services"},
	{97, 98, "Households as employers"},
	{99, 99, "Extraterritorial organisations"},
}

// SectorOfSIC names the SIC 2007 section of a code written as lists write
// it ("50200", "1110" without its leading zero, "62020 - Information
// technology consultancy activities"), or "" when it cannot tell.
func SectorOfSIC(code string) string {
	code = strings.TrimSpace(code)
	end := 0
	for end < len(code) && code[end] >= '0' && code[end] <= '9' {
		end++
	}
	digits := code[:end]
	if len(digits) == 4 {
		digits = "0" + digits
	}
	if len(digits) != 5 {
		return ""
	}
	div, _ := strconv.Atoi(digits[:2])
	for _, s := range sections {
		if div >= s.from && div <= s.to {
			return s.name
		}
	}
	return ""
}
