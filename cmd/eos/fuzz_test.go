package main

import (
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// FuzzWidths feeds arbitrary text to the --widths parser: what it accepts
// is a list of positive widths that reads back the same from its formatting.
func FuzzWidths(f *testing.F) {
	fuzzseed.Add(f, "200,200", " 16 , 8", "200,x", "0", "-3", "", ",", "99999999999999999999")
	f.Fuzz(func(t *testing.T, s string) {
		var v []int
		if err := (intList{&v}).Set(s); err != nil {
			return
		}
		if len(v) == 0 || slices.ContainsFunc(v, func(x int) bool { return x < 1 }) {
			t.Fatalf("%q accepted as %v", s, v)
		}
		var again []int
		if err := (intList{&again}).Set(intList{&v}.String()); err != nil || !slices.Equal(again, v) {
			t.Fatalf("%q: %v formats and reads back as %v, %v", s, v, again, err)
		}
	})
}
