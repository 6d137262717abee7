package net

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestTensorsFCTanh checks the state_dict names and shapes of fc-tanh on CIFAR-10.
func TestTensorsFCTanh(t *testing.T) {
	m := NewModel[float32](mustArch(t, "fc-tanh", nil, 3072, 10, InitStandard))
	want := []struct {
		name  string
		shape []int
	}{
		{"1.weight", []int{200, 3072}}, {"1.bias", []int{200}},
		{"3.weight", []int{200, 200}}, {"3.bias", []int{200}},
		{"5.weight", []int{10, 200}}, {"5.bias", []int{10}},
	}
	ts := m.Tensors()
	if len(ts) != len(want) {
		t.Fatalf("%d tensors, want %d", len(ts), len(want))
	}
	for i, w := range want {
		if ts[i].Name != w.name || !slices.Equal(ts[i].Shape, w.shape) {
			t.Errorf("tensor %d is %s %v, want %s %v", i, ts[i].Name, ts[i].Shape, w.name, w.shape)
		}
	}
	checkContiguous(t, m.Tensors(), m.NumParams())
	if n := 3072*200 + 200 + 200*200 + 200 + 200*10 + 10; m.NumParams() != n {
		t.Errorf("NumParams() = %d, want %d", m.NumParams(), n)
	}
}

// TestTensorsSpecialNets checks the names of the other families' tensors.
func TestTensorsSpecialNets(t *testing.T) {
	cases := []struct {
		arch    string
		in, out int
		want    []string
	}{
		{"regression", 1, 1, []string{"0.weight [100 1]", "0.bias [100]", "2.weight [1 100]"}},
		{"fc-linear-nobias", 4, 2, []string{"1.weight [200 4]", "3.weight [200 200]", "5.weight [2 200]"}},
		{"fc-tanh-depth1", 4, 2, []string{"1.weight [200 4]", "1.bias [200]", "3.weight [2 200]", "3.bias [2]"}},
	}
	for _, c := range cases {
		m := NewModel[float64](mustArch(t, c.arch, nil, c.in, c.out, InitStandard))
		var got []string
		for _, ts := range m.Tensors() {
			got = append(got, fmt.Sprintf("%s %v", ts.Name, ts.Shape))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: tensors %q, want %q", c.arch, got, c.want)
		}
		checkContiguous(t, m.Tensors(), m.NumParams())
	}
	m := NewModel[float64](mustArch(t, "deeplinear", nil, 50, 50, InitStandard))
	ts := m.Tensors()
	if len(ts) != 20 || ts[0].Name != "0.weight" || ts[19].Name != "19.weight" || !slices.Equal(ts[19].Shape, []int{50, 50}) {
		t.Errorf("deeplinear tensors: %v", ts)
	}
	checkContiguous(t, ts, m.NumParams())
}

// checkContiguous checks that the tensors tile the parameter vector in order.
func checkContiguous(t *testing.T, ts []Tensor, n int) {
	t.Helper()
	off := 0
	for _, x := range ts {
		size := 1
		for _, d := range x.Shape {
			size *= d
		}
		if x.Offset != off || x.Len != size {
			t.Errorf("tensor %s at %d with %d elements, want %d with %d", x.Name, x.Offset, x.Len, off, size)
		}
		off += size
	}
	if off != n {
		t.Errorf("tensors cover %d parameters of %d", off, n)
	}
}

// wantDist is the distribution a tensor's entries should follow.
type wantDist struct {
	kind  string  // "uniform", "normal" or "zero"
	scale float64 // the uniform bound or the normal std
}

// checkDist compares the sample mean and variance of x with those of d,
// within five standard errors.
func checkDist(t *testing.T, name string, x []float64, d wantDist) {
	t.Helper()
	if d.kind == "zero" {
		for _, v := range x {
			if v != 0 {
				t.Errorf("%s: entry %v, want all zero", name, v)
				return
			}
		}
		return
	}
	variance, fourth := d.scale*d.scale, 3*math.Pow(d.scale, 4)
	if d.kind == "uniform" {
		variance, fourth = d.scale*d.scale/3, math.Pow(d.scale, 4)/5
		for _, v := range x {
			if math.Abs(v) > d.scale {
				t.Errorf("%s: entry %v outside ±%v", name, v, d.scale)
				return
			}
		}
	}
	n := float64(len(x))
	var mean, sq float64
	for _, v := range x {
		mean += v
		sq += v * v
	}
	mean /= n
	sq /= n
	if se := math.Sqrt(variance / n); math.Abs(mean) > 5*se {
		t.Errorf("%s: mean %v, want 0 ± %v", name, mean, 5*se)
	}
	if se := math.Sqrt((fourth - variance*variance) / n); math.Abs(sq-variance) > 5*se {
		t.Errorf("%s: second moment %v, want %v ± %v", name, sq, variance, 5*se)
	}
}

// TestInitStatistics checks every scheme's distributions on each family.
func TestInitStatistics(t *testing.T) {
	cases := []struct {
		arch, init string
		in, out    int
		want       func(l int, ly Layer) (w, b wantDist)
	}{
		{"fc-tanh", InitStandard, 3072, 10, func(_ int, ly Layer) (wantDist, wantDist) {
			d := wantDist{"uniform", 1 / math.Sqrt(float64(ly.In))}
			return d, d
		}},
		{"fc-relu", InitXavier, 3072, 10, func(_ int, ly Layer) (wantDist, wantDist) {
			return wantDist{"normal", math.Sqrt(2 / float64(ly.In+ly.Out))}, wantDist{kind: "zero"}
		}},
		{"fc-tanh", InitNTK, 3072, 10, func(int, Layer) (wantDist, wantDist) {
			return wantDist{"normal", 1}, wantDist{"normal", 1}
		}},
		{"deeplinear", InitStandard, 50, 50, func(int, Layer) (wantDist, wantDist) {
			return wantDist{"normal", math.Sqrt(2.0 / 100)}, wantDist{}
		}},
		{"regression", InitStandard, 2000, 1, func(l int, ly Layer) (wantDist, wantDist) {
			gain := 1.0
			if l == 0 {
				gain = 1.9
			}
			return wantDist{"normal", gain * math.Sqrt(2/float64(ly.In+ly.Out))}, wantDist{kind: "zero"}
		}},
	}
	for _, c := range cases {
		m := NewModel[float64](mustArch(t, c.arch, nil, c.in, c.out, c.init))
		m.Initialize(42)
		ts := m.Tensors()
		i := 0
		for l, ly := range m.Arch.Layers() {
			w, b := c.want(l, ly)
			checkDist(t, c.arch+"/"+c.init+"/"+ts[i].Name, m.Params[ts[i].Offset:ts[i].Offset+ts[i].Len], w)
			i++
			if ly.Bias {
				checkDist(t, c.arch+"/"+c.init+"/"+ts[i].Name, m.Params[ts[i].Offset:ts[i].Offset+ts[i].Len], b)
				i++
			}
		}
	}
}

// TestInitDeterminism checks that the seed alone fixes the parameters.
func TestInitDeterminism(t *testing.T) {
	a := mustArch(t, "fc-tanh", []int{30}, 20, 5, InitStandard)
	m1, m2, m3 := NewModel[float32](a), NewModel[float32](a), NewModel[float32](a)
	m1.Initialize(9)
	m2.Initialize(9)
	m3.Initialize(10)
	if !slices.Equal(m1.Params, m2.Params) {
		t.Error("same seed gave different parameters")
	}
	if slices.Equal(m1.Params, m3.Params) {
		t.Error("different seeds gave the same parameters")
	}
	m64 := NewModel[float64](a)
	m64.Initialize(9)
	for i, p := range m64.Params {
		if float32(p) != m1.Params[i] {
			t.Fatalf("float32 parameter %d is %v, float64 rounds to %v", i, m1.Params[i], float32(p))
		}
	}
}
