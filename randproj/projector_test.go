package randproj

import (
	"math"
	"math/rand/v2"
	"testing"
)

// entryStats returns the mean, variance, fraction within one standard
// deviation and kurtosis of all entries of pr.
func entryStats(pr *Projector) (mean, variance, within1, kurtosis float64) {
	var s1, s2, s4, in float64
	sd := 1 / math.Sqrt(float64(pr.p))
	for i := range pr.p {
		for j := range pr.dim {
			v := pr.Entry(i, j)
			s1 += v
			s2 += v * v
			s4 += v * v * v * v
			if math.Abs(v) < sd {
				in++
			}
		}
	}
	n := float64(pr.p * pr.dim)
	mean = s1 / n
	variance = s2/n - mean*mean
	return mean, variance, in / n, (s4 / n) / (variance * variance)
}

func TestEntriesAreNormalWithVarianceOneOverP(t *testing.T) {
	const p, dim = 64, 20000
	n := float64(p * dim)
	mean, variance, within1, kurt := entryStats(New(p, dim, 42))
	// Five standard errors of each statistic for i.i.d. N(0, 1/P) entries.
	if se := math.Sqrt(1 / float64(p) / n); math.Abs(mean) > 5*se {
		t.Errorf("mean of entries %v, want 0 ± %v", mean, 5*se)
	}
	if se := math.Sqrt(2/n) / p; math.Abs(variance-1.0/p) > 5*se {
		t.Errorf("variance of entries %v, want %v ± %v", variance, 1.0/p, 5*se)
	}
	// P(|Z| < 1) = erf(1/√2) for a standard normal.
	want := math.Erf(1 / math.Sqrt2)
	if se := math.Sqrt(want * (1 - want) / n); math.Abs(within1-want) > 5*se {
		t.Errorf("fraction within one sd %v, want %v ± %v", within1, want, 5*se)
	}
	// Kurtosis 3 for a normal; its standard error is about √(24/n).
	if se := math.Sqrt(24 / n); math.Abs(kurt-3) > 5*se {
		t.Errorf("kurtosis %v, want 3 ± %v", kurt, 5*se)
	}
}

func TestNeighbouringEntriesAreUncorrelated(t *testing.T) {
	const p, dim = 32, 4000
	pr := New(p, dim, 1)
	// Correlations of entries with their right and lower neighbours, and
	// with the entry one hash word (four columns) further on.
	for _, d := range []struct{ di, dj int }{{0, 1}, {1, 0}, {0, 4}, {1, 1}} {
		var s float64
		count := 0
		for i := 0; i+d.di < p; i++ {
			for j := 0; j+d.dj < dim; j++ {
				s += pr.Entry(i, j) * pr.Entry(i+d.di, j+d.dj) * p
				count++
			}
		}
		corr := s / float64(count)
		if se := 1 / math.Sqrt(float64(count)); math.Abs(corr) > 5*se {
			t.Errorf("correlation of entries %v apart: %v, want 0 ± %v", d, corr, 5*se)
		}
	}
}

func TestSeedDeterminesEntries(t *testing.T) {
	a, b, c := New(8, 1000, 7), New(8, 1000, 7), New(8, 1000, 8)
	// Entries depend on (seed, i, j) only, not on the projector's size.
	d := New(3, 20, 7)
	same := 0
	var cross float64
	for i := range 8 {
		for j := range 1000 {
			if a.Entry(i, j) != b.Entry(i, j) {
				t.Fatalf("same seed, entry (%d, %d): %v vs %v", i, j, a.Entry(i, j), b.Entry(i, j))
			}
			if i < 3 && j < 20 {
				u, v := d.Entry(i, j)*math.Sqrt(3), a.Entry(i, j)*math.Sqrt(8)
				if math.Abs(u-v) > 1e-14*math.Abs(v) {
					t.Fatalf("entry (%d, %d) changes with the projector's size: %v vs %v", i, j, u, v)
				}
			}
			if a.Entry(i, j) == c.Entry(i, j) {
				same++
			}
			cross += a.Entry(i, j) * c.Entry(i, j) * 8
		}
	}
	// Two independent draws from 2^16 levels coincide with probability ~2^-16.
	if same > 5 {
		t.Errorf("seeds 7 and 8 share %d of 8000 entries", same)
	}
	if corr := cross / 8000; math.Abs(corr) > 5/math.Sqrt(8000) {
		t.Errorf("seeds 7 and 8 give correlated entries: %v", corr)
	}
}

// denseProject is the explicit projector (built from Entry) times x.
func denseProject[T float32 | float64 | named32](pr *Projector, x []T) []float64 {
	out := make([]float64, pr.p)
	for i := range pr.p {
		for j, v := range x {
			out[i] += pr.Entry(i, j) * float64(v)
		}
	}
	return out
}

// named32 checks Project on a type whose underlying type is float32.
type named32 float32

func checkAgainstDense[T float32 | float64 | named32](t *testing.T, p, dim int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(p), uint64(dim)))
	x := make([]T, dim)
	for j := range x {
		x[j] = T(rng.NormFloat64())
	}
	pr := New(p, dim, 99)
	got := make([]float64, p)
	Project(pr, x, got)
	want := denseProject(pr, x)
	for i := range got {
		// Both sums are float64; they differ only by summation order.
		if math.Abs(got[i]-want[i]) > 1e-12*math.Sqrt(float64(dim)) {
			t.Errorf("%T P=%d dim=%d: out[%d] = %v, dense product %v", x[0], p, dim, i, got[i], want[i])
		}
	}
}

func TestProjectEqualsDenseProduct(t *testing.T) {
	// Sizes cover several column blocks, a dim that is not a multiple of 4,
	// and fewer rows than goroutines.
	checkAgainstDense[float64](t, 7, 2*block+3)
	checkAgainstDense[float32](t, 5, block+1)
	checkAgainstDense[named32](t, 3, 10)
	checkAgainstDense[float64](t, 1, 1)
	checkAgainstDense[float64](t, 4, 0)
}

func TestProjectIsIdenticalForAnySplit(t *testing.T) {
	const p, dim = 37, 3*block + 17
	pr := New(p, dim, 5)
	x := make([]float32, dim)
	for j := range x {
		x[j] = float32(math.Sin(float64(j)))
	}
	ref := make([]float64, p)
	run(task{pr: pr, x32: x, out: ref}, 1)
	for _, n := range []int{2, 3, 7, 37, 100} {
		got := make([]float64, p)
		run(task{pr: pr, x32: x, out: got}, n)
		for i := range got {
			if got[i] != ref[i] {
				t.Fatalf("%d chunks: out[%d] = %v, one chunk gives %v", n, i, got[i], ref[i])
			}
		}
	}
	viaProject := make([]float64, p)
	Project(pr, x, viaProject)
	for i := range viaProject {
		if viaProject[i] != ref[i] {
			t.Fatalf("Project: out[%d] = %v, one chunk gives %v", i, viaProject[i], ref[i])
		}
	}
}

func TestProjectAllocatesNothing(t *testing.T) {
	pr := New(16, 5000, 3)
	x := make([]float64, 5000)
	out := make([]float64, 16)
	if a := testing.AllocsPerRun(20, func() { Project(pr, x, out) }); a != 0 {
		t.Errorf("%v allocations per Project", a)
	}
}

func TestProjectPreservesDistances(t *testing.T) {
	const p, dim, points = 256, 3000, 20
	rng := rand.New(rand.NewPCG(13, 14))
	pr := New(p, dim, 2026)
	xs := make([][]float64, points)
	ys := make([][]float64, points)
	for k := range xs {
		xs[k] = make([]float64, dim)
		for j := range xs[k] {
			// Points of varied scale and a shared offset, so distances are not all alike.
			xs[k][j] = rng.NormFloat64()*float64(k+1) + 3
		}
		ys[k] = make([]float64, p)
		Project(pr, xs[k], ys[k])
	}
	// JL: with P ≥ 8·ln(n)/ε², all pairwise squared distances among n points
	// are kept within a factor 1 ± ε with high probability.
	eps := math.Sqrt(8 * math.Log(points) / p)
	var sum float64
	pairs := 0
	for a := range points {
		for b := a + 1; b < points; b++ {
			ratio := sqDist(ys[a], ys[b]) / sqDist(xs[a], xs[b])
			if ratio < 1-eps || ratio > 1+eps {
				t.Errorf("points %d, %d: squared distance ratio %v outside 1 ± %v", a, b, ratio, eps)
			}
			sum += ratio
			pairs++
		}
	}
	// The ratio is 1 in expectation; one ratio's sd is √(2/P) ≈ 0.09.
	if mean := sum / float64(pairs); math.Abs(mean-1) > 0.1 {
		t.Errorf("mean squared distance ratio %v, want ≈ 1", mean)
	}
}

func sqDist(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return s
}

func TestNormalTableIsSymmetricWithUnitVariance(t *testing.T) {
	tab := normalTable()
	var s2 float64
	for k, v := range tab {
		if tab[levels-1-k] != -v {
			t.Fatalf("level %d = %v, mirror level %v", k, v, tab[levels-1-k])
		}
		if k > 0 && !(v > tab[k-1]) {
			t.Fatalf("levels not increasing at %d: %v after %v", k, v, tab[k-1])
		}
		s2 += v * v
	}
	if v := s2 / levels; math.Abs(v-1) > 1e-12 {
		t.Errorf("variance of levels %v, want 1", v)
	}
	// The median level pair brackets 0 tightly, the extremes sit in the far
	// tail: the bin beyond Φ⁻¹(1−2⁻¹⁶) ≈ 4.17 has mean ≈ 4.4.
	if top := tab[levels-1]; top < 4.2 || top > 4.7 {
		t.Errorf("top level %v, want ≈ 4.4", top)
	}
}

func BenchmarkProject(b *testing.B) {
	const p, dim = 500, 656_810 // the fc-tanh CIFAR-10 network
	pr := New(p, dim, 1)
	out := make([]float64, p)
	b.Run("float32", func(b *testing.B) {
		x := make([]float32, dim)
		Project(pr, x, out) // start the worker pool outside the timing
		b.ReportAllocs()
		for b.Loop() {
			Project(pr, x, out)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(p*dim), "ns/entry")
	})
	b.Run("float64", func(b *testing.B) {
		x := make([]float64, dim)
		Project(pr, x, out) // start the worker pool outside the timing
		b.ReportAllocs()
		for b.Loop() {
			Project(pr, x, out)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/(p*dim), "ns/entry")
	})
}
