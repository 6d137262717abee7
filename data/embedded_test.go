package data

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSynthesizeDeterministic(t *testing.T) {
	a, err := Load(DefaultName, "", 7)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Synthesize(DefaultSynthConfig(), 7)
	if err != nil {
		t.Fatal(err)
	}
	for _, pair := range [][2]*Set{{a.Train, b.Train}, {a.Test, b.Test}} {
		x, y := pair[0], pair[1]
		if !bytes.Equal(x.Pixels, y.Pixels) || !slices.Equal(x.Labels, y.Labels) || !slices.Equal(x.Scale, y.Scale) ||
			!slices.Equal(x.Shift, y.Shift) || x.Checksum != y.Checksum {
			t.Fatal("two generations with the same seed differ")
		}
	}
	if a.Train.Name != DefaultName || a.Train.Source != "embedded" || len(a.Train.Checksum) != 64 {
		t.Errorf("Name %q Source %q Checksum %q", a.Train.Name, a.Train.Source, a.Train.Checksum)
	}
	c, err := Load(DefaultName, "", 8)
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Checksum == a.Train.Checksum || bytes.Equal(c.Test.Pixels, a.Test.Pixels) {
		t.Error("seeds 7 and 8 give the same data")
	}
}

func TestSynthesizeShapeBalanceAndLabelNoise(t *testing.T) {
	cfg := DefaultSynthConfig()
	noisy, err := Synthesize(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.LabelNoise = 0
	clean, err := Synthesize(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	d := cfg.Channels * cfg.Side * cfg.Side
	for _, s := range []*Set{noisy.Train, noisy.Test} {
		if s.D != d || s.Classes != cfg.Classes || s.Outputs != cfg.Classes || len(s.Pixels) != s.N*d || len(s.Labels) != s.N {
			t.Fatalf("shape: N=%d D=%d Classes=%d pixels=%d labels=%d", s.N, s.D, s.Classes, len(s.Pixels), len(s.Labels))
		}
	}
	if noisy.Train.N != cfg.Train || noisy.Test.N != cfg.Test {
		t.Fatalf("N = %d/%d, want %d/%d", noisy.Train.N, noisy.Test.N, cfg.Train, cfg.Test)
	}
	if !bytes.Equal(noisy.Train.Pixels, clean.Train.Pixels) || !slices.Equal(noisy.Test.Labels, clean.Test.Labels) {
		t.Fatal("label noise changed the pixels or the test labels")
	}
	// Clean labels: each run of Classes examples holds every class once.
	for _, labels := range [][]int32{clean.Train.Labels, noisy.Test.Labels} {
		for start := 0; start+cfg.Classes <= len(labels); start += cfg.Classes {
			block := slices.Clone(labels[start : start+cfg.Classes])
			slices.Sort(block)
			for c, l := range block {
				if l != int32(c) {
					t.Fatalf("labels %d.. are %v, not one of each class", start, labels[start:start+cfg.Classes])
				}
			}
		}
	}
	if slices.Equal(clean.Train.Labels[:cfg.Classes], clean.Train.Labels[cfg.Classes:2*cfg.Classes]) &&
		slices.Equal(clean.Train.Labels[:cfg.Classes], clean.Train.Labels[2*cfg.Classes:3*cfg.Classes]) {
		t.Error("the classes come in the same order in every run")
	}
	flipped := 0
	for i, l := range noisy.Train.Labels {
		if l < 0 || int(l) >= cfg.Classes {
			t.Fatalf("label %d out of range", l)
		}
		if l != clean.Train.Labels[i] {
			flipped++
		}
	}
	// Binomial(2000, 0.04): mean 80, standard deviation under 9.
	if want := cfg.Train * DefaultSynthConfig().LabelNoise / 1000; math.Abs(float64(flipped-want)) > 45 {
		t.Errorf("%d labels flipped, want about %d", flipped, want)
	}
}

// TestSynthesizeIsLearnableButNoisy checks the images carry their class: a
// nearest-class-mean classifier (fitted on the clean-label training set)
// does far better than chance on the test images, while the noise keeps the
// examples of a class apart.
func TestSynthesizeIsLearnableButNoisy(t *testing.T) {
	cfg := DefaultSynthConfig()
	cfg.LabelNoise = 0
	s, err := Synthesize(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Train.D
	means := make([][]float64, cfg.Classes)
	for c := range means {
		means[c] = make([]float64, d)
	}
	x := make([]float64, d)
	for i := range s.Train.N {
		s.Train.Input(i, x)
		for j, v := range x {
			means[s.Train.Labels[i]][j] += v / float64(s.Train.N/cfg.Classes)
		}
	}
	correct := 0
	var within float64
	for i := range s.Test.N {
		s.Test.Input(i, x)
		best, bestDist := -1, math.Inf(1)
		for c, m := range means {
			var dist float64
			for j := range x {
				dist += (x[j] - m[j]) * (x[j] - m[j])
			}
			if dist < bestDist {
				best, bestDist = c, dist
			}
			if c == int(s.Test.Labels[i]) {
				within += dist / float64(d*s.Test.N)
			}
		}
		if best == int(s.Test.Labels[i]) {
			correct++
		}
	}
	acc := float64(correct) / float64(s.Test.N)
	t.Logf("nearest-class-mean test accuracy %.3f, mean squared distance to own class mean per feature %.3f", acc, within)
	if acc < 3/float64(cfg.Classes) {
		t.Errorf("nearest-class-mean accuracy %.3f: classes barely separable", acc)
	}
	if within < 0.05 {
		t.Errorf("examples sit on their class mean (%.3f per feature): no noise", within)
	}
	saturated := 0
	for _, p := range s.Train.Pixels {
		if p == 0 || p == 255 {
			saturated++
		}
	}
	if frac := float64(saturated) / float64(len(s.Train.Pixels)); frac > 0.02 {
		t.Errorf("%.1f%% of pixels clamped", 100*frac)
	}
}

func TestSynthesizeStandardised(t *testing.T) {
	s, err := Synthesize(DefaultSynthConfig(), 5)
	if err != nil {
		t.Fatal(err)
	}
	d := s.Train.D
	sum, sumSq := make([]float64, d), make([]float64, d)
	x := make([]float64, d)
	for i := range s.Train.N {
		s.Train.Input(i, x)
		for j, v := range x {
			sum[j] += v
			sumSq[j] += v * v
		}
	}
	n := float64(s.Train.N)
	for j := range d {
		mean, meanSq := sum[j]/n, sumSq[j]/n
		if math.Abs(mean) > 1e-9 || math.Abs(meanSq-1) > 1e-9 {
			t.Fatalf("feature %d standardised to mean %v, mean square %v", j, mean, meanSq)
		}
	}
}

func TestSynthesizeFast(t *testing.T) {
	start := time.Now()
	if _, err := Synthesize(DefaultSynthConfig(), 0); err != nil {
		t.Fatal(err)
	}
	// The budget is 0.2 s; allow for a loaded shared machine.
	if el := time.Since(start); el > time.Second {
		t.Errorf("generation took %v", el)
	}
}

func TestSynthesizeRejectsBadConfig(t *testing.T) {
	cfg := DefaultSynthConfig()
	cfg.Grid = cfg.Side + 1
	if _, err := Synthesize(cfg, 0); err == nil || !strings.Contains(err.Error(), "Grid") {
		t.Errorf("Grid > Side: error %v", err)
	}
}

func TestRoundDivAndCell(t *testing.T) {
	for a := int64(-50); a <= 50; a++ {
		for b := int64(1); b <= 7; b++ {
			if got, want := roundDiv(a, b), int64(math.Floor(float64(a)/float64(b)+0.5)); got != want {
				t.Fatalf("roundDiv(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
	// cell must place pixel p at control coordinate p(g−1)/(s−1).
	for _, gs := range [][2]int{{2, 8}, {3, 8}, {4, 7}, {8, 8}} {
		g, s := gs[0], gs[1]
		for p := range s {
			i, w := cell(p, g, s)
			if i < 0 || i+1 >= g || w < 0 || w > int64(s-1) || (i*(s-1)+int(w)) != p*(g-1) {
				t.Fatalf("cell(%d, %d, %d) = %d, %d", p, g, s, i, w)
			}
		}
	}
}

func BenchmarkSynthesize(b *testing.B) {
	for b.Loop() {
		if _, err := Synthesize(DefaultSynthConfig(), 0); err != nil {
			b.Fatal(err)
		}
	}
}
