package net

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// floatSet is a random dataset with float inputs: classes > 0 gives labels,
// classes == 0 gives out regression targets.
func floatSet(seed uint64, n, in, out, classes int) *data.Set {
	r := rand.New(rand.NewPCG(seed, 1))
	s := &data.Set{Name: "random", N: n, D: in, Classes: classes, Outputs: out, X: make([]float64, n*in)}
	for i := range s.X {
		s.X[i] = r.NormFloat64()
	}
	fillTargets(r, s)
	return s
}

// pixelSet is a random dataset with uint8 inputs and a random standardisation.
func pixelSet(seed uint64, n, in, out, classes int) *data.Set {
	r := rand.New(rand.NewPCG(seed, 2))
	s := &data.Set{Name: "pixels", N: n, D: in, Classes: classes, Outputs: out,
		Pixels: make([]uint8, n*in), Scale: make([]float64, in), Shift: make([]float64, in)}
	for i := range s.Pixels {
		s.Pixels[i] = uint8(r.IntN(256))
	}
	for j := range in {
		s.Scale[j] = (0.5 + r.Float64()) / 64
		s.Shift[j] = -2 + r.Float64()
	}
	fillTargets(r, s)
	return s
}

// asFloat is s with its pixels standardised into X.
func asFloat(s *data.Set) *data.Set {
	f := *s
	f.Pixels, f.Scale, f.Shift = nil, nil, nil
	f.X = make([]float64, s.N*s.D)
	for i := range s.N {
		s.Input(i, f.X[i*s.D:(i+1)*s.D])
	}
	return &f
}

func fillTargets(r *rand.Rand, s *data.Set) {
	if s.Classes > 0 {
		s.Labels = make([]int32, s.N)
		for i := range s.Labels {
			s.Labels[i] = int32(r.IntN(s.Classes))
		}
		return
	}
	s.Targets = make([]float64, s.N*s.Outputs)
	for i := range s.Targets {
		s.Targets[i] = r.NormFloat64()
	}
}

// refActivation is σ, written independently of activation.go.
func refActivation(name string, x float64) float64 {
	switch name {
	case "tanh":
		return math.Tanh(x)
	case "relu":
		return math.Max(0, x)
	case "elu":
		if x > 0 {
			return x
		}
		return math.Exp(x) - 1
	case "softplus":
		return math.Log(1 + math.Exp(x))
	case "hardtanh":
		return math.Max(-1, math.Min(1, x))
	case "selu":
		if x > 0 {
			return 1.0507009873554805 * x
		}
		return 1.0507009873554805 * 1.6732632423543772 * (math.Exp(x) - 1)
	case "leaky_relu":
		if x > 0 {
			return x
		}
		return 0.01 * x
	case "sigmoid":
		return 1 / (1 + math.Exp(-x))
	case "linear":
		return x
	}
	panic("unknown activation " + name)
}

// refOutputs runs the network of a with parameters theta on input x by plain loops.
func refOutputs(a Arch, theta, x []float64) []float64 {
	off := 0
	for l, ly := range a.Layers() {
		c := 1.0
		if a.Init == InitNTK {
			c = 1 / math.Sqrt(float64(ly.In))
		}
		w := theta[off : off+ly.In*ly.Out]
		off += ly.In * ly.Out
		y := make([]float64, ly.Out)
		for i := range y {
			var s float64
			for j := range ly.In {
				s += w[i*ly.In+j] * x[j]
			}
			y[i] = c * s
		}
		if ly.Bias {
			for i := range y {
				y[i] += theta[off+i]
			}
			off += ly.Out
		}
		if l < len(a.Hidden) {
			for i := range y {
				y[i] = refActivation(a.Activation, y[i])
			}
		}
		x = y
	}
	return x
}

// refMetrics is the mean loss and accuracy by a plain per-example loop.
func refMetrics(a Arch, theta []float64, s *data.Set, loss string) (float64, float64) {
	x := make([]float64, s.D)
	var total float64
	correct := 0
	for i := range s.N {
		s.Input(i, x)
		f := refOutputs(a, theta, x)
		switch {
		case loss == "ce":
			var z float64
			for _, v := range f {
				z += math.Exp(v)
			}
			total += math.Log(z) - f[s.Labels[i]]
		default:
			for j, v := range f {
				y := 0.0
				if s.Classes == 0 {
					y = s.Targets[i*s.Outputs+j]
				} else if j == int(s.Labels[i]) {
					y = 1
				}
				total += 0.5 * (v - y) * (v - y)
			}
		}
		if s.Classes > 0 {
			best := 0
			for j, v := range f {
				if v > f[best] {
					best = j
				}
			}
			if best == int(s.Labels[i]) {
				correct++
			}
		}
	}
	return total / float64(s.N), float64(correct) / float64(s.N)
}

// randomVector is a vector of n N(0,1) draws.
func randomVector(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 3))
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// mustArch parses an architecture or fails the test.
func mustArch(t testing.TB, name string, hidden []int, in, out int, init string) Arch {
	t.Helper()
	a, err := ParseArch(name, hidden, Vector(in), out, init)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mustObjective builds an objective or fails the test.
func mustObjective[T float32 | float64](t testing.TB, m *Model[T], s *data.Set, loss string, chunk, threads int) *Objective[T] {
	t.Helper()
	o, err := NewObjective(m, s, loss, chunk, threads)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// maxAbsDiff is the largest |a[i]−b[i]| and the largest |b[i]|.
func maxAbsDiff[T float32 | float64](a, b []T) (diff, scale float64) {
	for i := range a {
		diff = math.Max(diff, math.Abs(float64(a[i])-float64(b[i])))
		scale = math.Max(scale, math.Abs(float64(b[i])))
	}
	return diff, scale
}
