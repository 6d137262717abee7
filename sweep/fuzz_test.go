package sweep

import (
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// FuzzGrid feeds arbitrary bytes to the grid-file parser: it may reject them
// but never panic, and a grid it accepts has one run per combination of its
// axes' values, each with a distinct id and every base and axis key set.
func FuzzGrid(f *testing.F) {
	fuzzseed.Add(f,
		[]byte("[base]\narch = \"fc-tanh\"\nmax_steps = 200\n[axes]\nlr = [0.01, 0.02]\nseed = [0, 1, 2]\n"),
		[]byte("[base]\nwidths = \"200,200\"\n[axes]\nwidths = [\"100,100\"]\n"),
		[]byte("[axes]\nlr = []\n"),
		[]byte("[base]\nnope = 1\n"),
		[]byte("[axes]\nlr = [0.1, 0.1]\n"),
		[]byte("base = 3\n[axes]\nseed = [1, 2.5, true, \"x\"]\n"))
	known := func(key string) bool {
		return slices.Contains([]string{"arch", "lr", "seed", "max_steps", "widths", "loss", "dataset"}, key)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		g, err := Parse(src, known)
		if err != nil {
			return
		}
		want := 1
		for _, a := range g.Axes {
			want *= len(a.Values)
		}
		if len(g.Specs) != want {
			t.Fatalf("%d runs for axes of %d combinations", len(g.Specs), want)
		}
		ids := map[string]bool{}
		for i, s := range g.Specs {
			if s.Index != i || ids[s.ID] {
				t.Fatalf("run %d has index %d, id %s repeated: %v", i, s.Index, s.ID, ids[s.ID])
			}
			ids[s.ID] = true
			if len(s.Settings) != len(g.Base)+len(g.Axes) {
				t.Fatalf("run %d has %d settings, base and axes %d", i, len(s.Settings), len(g.Base)+len(g.Axes))
			}
		}
	})
}
