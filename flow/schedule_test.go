package flow

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

func TestParseDrop(t *testing.T) {
	d, err := ParseDrop("1000:0.5")
	if err != nil || d != (Drop{Step: 1000, Factor: 0.5}) {
		t.Fatalf("ParseDrop(1000:0.5) = %+v, %v", d, err)
	}
	for _, bad := range []string{"1000", "x:0.5", "10:y", "-1:0.5", "10:0", "10:-2", "10:Inf", "10:NaN", ""} {
		_, err := ParseDrop(bad)
		if err == nil {
			t.Errorf("ParseDrop(%q): no error", bad)
		} else if !strings.Contains(err.Error(), `"`+bad+`"`) {
			t.Errorf("ParseDrop(%q) error %q does not quote the text", bad, err)
		}
	}
}

func TestScheduleLR(t *testing.T) {
	s := Schedule{Base: 0.1, Drops: []Drop{{10, 0.5}, {20, 0.1}}}
	for _, c := range []struct {
		step int
		want float64
	}{{0, 0.1}, {9, 0.1}, {10, 0.05}, {19, 0.05}, {20, 0.005}, {1000, 0.005}} {
		if got := s.LR(c.step, math.NaN()); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("LR(%d) = %v, want %v", c.step, got, c.want)
		}
	}
	a := Schedule{Base: 0.1, Adaptive: 1.9, Drops: []Drop{{5, 0.5}}}
	for _, c := range []struct {
		step      int
		sharpness float64
		want      float64
	}{
		{0, math.NaN(), 0.1},  // λ unknown: Base
		{0, 0, 0.1},           // not a usable sharpness
		{0, math.Inf(1), 0.1}, // not a usable sharpness
		{1, 38, 0.05},         // 1.9/38
		{5, 38, 0.025},        // drop applies to the adaptive step too
	} {
		if got := a.LR(c.step, c.sharpness); math.Abs(got-c.want) > 1e-15 {
			t.Errorf("adaptive LR(%d, %v) = %v, want %v", c.step, c.sharpness, got, c.want)
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	if err := (Schedule{Base: 0.01, Drops: []Drop{{1, 0.5}, {2, 2}}, Adaptive: 1}).Validate(); err != nil {
		t.Errorf("valid schedule rejected: %v", err)
	}
	bad := []Schedule{
		{Base: 0},
		{Base: math.NaN()},
		{Base: math.Inf(1)},
		{Base: 0.1, Adaptive: -1},
		{Base: 0.1, Drops: []Drop{{5, 0}}},
		{Base: 0.1, Drops: []Drop{{-5, 0.5}}},
		{Base: 0.1, Drops: []Drop{{5, 0.5}, {5, 0.5}}},
		{Base: 0.1, Drops: []Drop{{6, 0.5}, {5, 0.5}}},
	}
	for _, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("Validate(%+v): no error", s)
		}
	}
}

// FuzzParseDrop feeds arbitrary text to the --lr-drop parser: what it
// accepts is a valid drop that reads back the same from its own formatting.
func FuzzParseDrop(f *testing.F) {
	fuzzseed.Add(f, "1000:0.5", " 10 : 2 ", "100", "-1:0.5", "5:0", "5:NaN", "5:1e309", ":")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDrop(s)
		if err != nil {
			return
		}
		if d.validate() != nil {
			t.Fatalf("%q accepted as the invalid %+v", s, d)
		}
		if again, err := ParseDrop(fmt.Sprintf("%d:%v", d.Step, d.Factor)); err != nil || again != d {
			t.Fatalf("%q: %+v formats and reads back as %+v, %v", s, d, again, err)
		}
	})
}
