package net

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/edge-of-stability/eos/asm"
)

var cifarShape = Shape{C: 3, H: 32, W: 32}

// TestCNNLayout pins the reference convnets' parameter counts, state_dict
// names and shapes (PyTorch's parameters() order) and output shape.
func TestCNNLayout(t *testing.T) {
	want := []struct {
		name  string
		shape []int
	}{
		{"0.weight", []int{32, 3, 3, 3}}, {"0.bias", []int{32}},
		{"3.weight", []int{32, 32, 3, 3}}, {"3.bias", []int{32}},
		{"7.weight", []int{10, 2048}}, {"7.bias", []int{10}},
	}
	for _, name := range []string{"cnn-relu", "cnn-elu", "cnn-tanh", "cnn-avgpool-relu", "cnn-avgpool-elu", "cnn-avgpool-tanh"} {
		a, err := ParseArch(name, nil, cifarShape, 10, InitStandard)
		if err != nil {
			t.Fatal(err)
		}
		m := NewModel[float32](a)
		if m.NumParams() != 30634 {
			t.Errorf("%s has %d parameters, the reference 30,634", name, m.NumParams())
		}
		ts := m.Tensors()
		off := 0
		for i, tn := range ts {
			if i >= len(want) || tn.Name != want[i].name || !slices.Equal(tn.Shape, want[i].shape) || tn.Offset != off {
				t.Errorf("%s: tensor %d is %s %v at %d", name, i, tn.Name, tn.Shape, tn.Offset)
			}
			off += tn.Len
		}
		if len(ts) != len(want) || m.Output() != Vector(10) {
			t.Errorf("%s: %d tensors, output %v", name, len(ts), m.Output())
		}
	}
	a, err := ParseArch("cnn-relu", []int{8, 16, 4}, Shape{C: 3, H: 8, W: 8}, 10, InitStandard)
	if err != nil {
		t.Fatal(err)
	}
	m := NewModel[float32](a)
	if ts := m.Tensors(); len(ts) != 8 || ts[6].Name != "10.weight" || !slices.Equal(ts[6].Shape, []int{10, 4}) {
		t.Errorf("cnn-relu 8,16,4 on 8×8: tensors %v", ts)
	}
	for _, c := range []struct {
		name  string
		in    Shape
		width []int
	}{
		{"cnn-relu", Shape{C: 3, H: 2, W: 2}, nil},
		{"cnn-relu", Vector(3072), nil},
		{"cnn-nope", cifarShape, nil},
		{"cnn-avgpool-relu", cifarShape, []int{}},
		{"cnn-tanh", cifarShape, []int{32, 0}},
	} {
		if _, err := ParseArch(c.name, c.width, c.in, 10, InitStandard); err == nil {
			t.Errorf("%s on %v with widths %v: no error", c.name, c.in, c.width)
		}
	}
}

// TestCNNInitStatistics checks the conv layers' PyTorch-default, Xavier and
// NTK distributions (fan_in = C_in·k·k, fan_out = C_out·k·k).
func TestCNNInitStatistics(t *testing.T) {
	for _, init := range []string{InitStandard, InitXavier, InitNTK} {
		a, err := ParseArch("cnn-tanh", []int{64, 64}, cifarShape, 10, init)
		if err != nil {
			t.Fatal(err)
		}
		m := NewModel[float64](a)
		m.Initialize(3)
		ts := m.Tensors()
		for i, fan := range []struct{ in, out int }{{27, 576}, {576, 576}, {4096, 10}} {
			w, b := ts[2*i], ts[2*i+1]
			var dw, db wantDist
			switch init {
			case InitStandard:
				dw = wantDist{"uniform", 1 / math.Sqrt(float64(fan.in))}
				db = dw
			case InitXavier:
				dw, db = wantDist{"normal", math.Sqrt(2 / float64(fan.in+fan.out))}, wantDist{kind: "zero"}
			default:
				dw, db = wantDist{"normal", 1}, wantDist{"normal", 1}
			}
			checkDist(t, init+"/"+w.Name, m.Params[w.Offset:w.Offset+w.Len], dw)
			if b.Len > 20 {
				checkDist(t, init+"/"+b.Name, m.Params[b.Offset:b.Offset+b.Len], db)
			}
		}
	}
}

// naiveConv is a float64 direct convolution of one example x (C_in×H×W) by w
// (C_out×C_in×k×k) with bias b.
func naiveConv(x []float64, in Shape, w, b []float64, outs, k, stride, pad int) []float64 {
	oh, ow := (in.H+2*pad-k)/stride+1, (in.W+2*pad-k)/stride+1
	y := make([]float64, outs*oh*ow)
	for co := range outs {
		for r := range oh {
			for c := range ow {
				s := b[co]
				for ci := range in.C {
					for i := range k {
						for j := range k {
							h, v := r*stride-pad+i, c*stride-pad+j
							if h >= 0 && h < in.H && v >= 0 && v < in.W {
								s += w[((co*in.C+ci)*k+i)*k+j] * x[(ci*in.H+h)*in.W+v]
							}
						}
					}
				}
				y[(co*oh+r)*ow+c] = s
			}
		}
	}
	return y
}

// TestConvOddShapes runs the Conv2d forward pass and input gradient on every
// kernel level this CPU has, in float32 and float64, over odd shapes, against
// a naive float64 convolution, with guard cells after every output.
func TestConvOddShapes(t *testing.T) {
	defer asm.Select("")
	r := rand.New(rand.NewPCG(8, 8))
	type shape struct{ cin, cout, h, w, k, stride, pad int }
	var shapes []shape
	for range 60 {
		s := shape{1 + r.IntN(5), 1 + r.IntN(33), 1 + r.IntN(9), 1 + r.IntN(9), 1 + r.IntN(3), 1 + r.IntN(2), r.IntN(2)}
		if s.h+2*s.pad >= s.k && s.w+2*s.pad >= s.k {
			shapes = append(shapes, s)
		}
	}
	if testing.Short() {
		shapes = shapes[:20]
	}
	for _, lv := range asm.Levels() {
		if !lv.Supported {
			continue
		}
		if err := asm.Select(lv.Name); err != nil {
			t.Fatal(err)
		}
		for _, s := range shapes {
			name := fmt.Sprintf("%s/%+v", lv.Name, s)
			convOddShape[float64](t, name, s.cin, s.cout, s.h, s.w, s.k, s.stride, s.pad, 1e-12)
			convOddShape[float32](t, name, s.cin, s.cout, s.h, s.w, s.k, s.stride, s.pad, 1e-5)
		}
	}
}

func convOddShape[T float32 | float64](t *testing.T, name string, cin, cout, h, w, k, stride, pad int, tol float64) {
	in := Shape{C: cin, H: h, W: w}
	off := 0
	l := newConv2d[T](in, cout, k, stride, pad, true, "", false, &off)
	l.group = 1 + cout%2 // one or two examples per GEMM over three examples

	theta := make([]T, off)
	th64 := randomVector(uint64(off), off)
	for i, v := range th64 {
		theta[i] = T(v)
	}
	const rows, guard = 3, 3
	xs := randomVector(uint64(cin*h*w), rows*in.Size())
	x := make([]T, len(xs))
	for i, v := range xs {
		x[i] = T(v)
	}
	size := l.out().Size()
	s := slab[T]{act: make([]T, rows*size+guard), dz: make([]T, rows*size)}
	for i := range guard {
		s.act[rows*size+i] = 7
	}
	e := &env[T]{threads: 1, scratch: make([]T, l.scratch(1))}
	e.newParts(l.partScratch())
	l.forward(e, theta, operand[T]{x: x}, rows, &s, false)
	wt, b := th64[:cout*cin*k*k], th64[cout*cin*k*k:]
	for r := range rows {
		want := naiveConv(xs[r*in.Size():(r+1)*in.Size()], in, wt, b, cout, k, stride, pad)
		for i, v := range want {
			if got := float64(s.act[r*size+i]); math.Abs(got-v) > tol*(1+math.Abs(v))*float64(cin*k*k) {
				t.Fatalf("%s %T: output %d of example %d is %v, naive %v", name, got, i, r, got, v)
			}
		}
	}
	for i := range guard {
		if s.act[rows*size+i] != 7 {
			t.Fatalf("%s: forward wrote past its output", name)
		}
	}
	// The input gradient is the transpose: ⟨dy, conv(x)⟩ = ⟨conv^T(dy), x⟩
	// up to the bias term, checked against the naive convolution.
	dys := randomVector(uint64(size), rows*size)
	for i, v := range dys {
		s.dz[i] = T(v)
	}
	dx := make([]T, rows*in.Size()+guard)
	for i := range guard {
		dx[rows*in.Size()+i] = 7
	}
	l.backward(e, theta, operand[T]{x: x}, rows, &s, nil, false, dx[:rows*in.Size()], nil)
	zero := make([]float64, cout)
	for r := range rows {
		y := naiveConv(xs[r*in.Size():(r+1)*in.Size()], in, wt, zero, cout, k, stride, pad)
		var lhs, rhs float64
		for i, v := range y {
			lhs += dys[r*size+i] * v
		}
		for i, v := range xs[r*in.Size() : (r+1)*in.Size()] {
			rhs += float64(dx[r*in.Size()+i]) * v
		}
		if math.Abs(lhs-rhs) > tol*100*(1+math.Abs(lhs))*float64(size) {
			t.Fatalf("%s %T: ⟨dy, Wx⟩ = %v, ⟨Wᵀdy, x⟩ = %v", name, theta[0], lhs, rhs)
		}
	}
	if dx[rows*in.Size()] != 7 {
		t.Fatalf("%s: backward wrote past its input gradient", name)
	}
}

// TestCNNFloat32 checks the float32 passes of cnn nets against float64.
func TestCNNFloat32(t *testing.T) {
	for _, name := range []string{"cnn-tanh", "cnn-avgpool-elu", "cnn-relu"} {
		set := imageSet(4, 9, Shape{C: 3, H: 8, W: 8}, 10, true)
		a, err := ParseArch(name, []int{6, 5}, InputShape(set), 10, InitStandard)
		if err != nil {
			t.Fatal(err)
		}
		m64, m32 := NewModel[float64](a), NewModel[float32](a)
		m64.Initialize(2)
		m32.Initialize(2)
		o64, o32 := mustObjective(t, m64, set, "ce", 4, 2), mustObjective(t, m32, set, "ce", 4, 2)
		n := m64.NumParams()
		g64, g32 := make([]float64, n), make([]float32, n)
		l64, l32 := o64.Grad(m64.Params, g64), o32.Grad(m32.Params, g32)
		v := randomVector(3, n)
		v32 := make([]float32, n)
		for i, x := range v {
			v32[i] = float32(x)
		}
		h64, h32 := make([]float64, n), make([]float32, n)
		o64.Linearize(m64.Params)
		o32.Linearize(m32.Params)
		o64.HVP(v, h64)
		o32.HVP(v32, h32)
		g32as64, h32as64 := make([]float64, n), make([]float64, n)
		for i := range n {
			g32as64[i], h32as64[i] = float64(g32[i]), float64(h32[i])
		}
		if math.Abs(l64.Loss-l32.Loss) > 1e-5 || l64.Acc != l32.Acc {
			t.Errorf("%s: float32 metrics %+v, float64 %+v", name, l32, l64)
		}
		if ok, rel := relClose(g32as64, g64, 1e-4); !ok {
			t.Errorf("%s: float32 gradient off by %.2g", name, rel)
		}
		if ok, rel := relClose(h32as64, h64, 1e-4); !ok {
			t.Errorf("%s: float32 HVP off by %.2g", name, rel)
		}
	}
}

// TestMaxPool2x2 checks the float32 2×2 max pooling (asm's kernel) against
// the branching loop, bit for bit, on windows full of ties, signed zeros,
// infinities and NaNs of both signs, where the first largest or the last NaN
// must win; on even and odd image sizes, whose odd last row and column are
// dropped, and widths with and without a vector tail.
func TestMaxPool2x2(t *testing.T) {
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, -1, 2, float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), -float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}
	r := rand.New(rand.NewPCG(7, 7))
	for trial := range 2000 {
		in := []Shape{{C: 3, H: 6, W: 8}, {C: 2, H: 7, W: 20}, {C: 4, H: 16, W: 33}}[trial%3]
		out := Shape{C: in.C, H: in.H / 2, W: in.W / 2}
		x := make([]float32, in.Size())
		for i := range x {
			x[i] = vals[r.IntN(len(vals))]
			if trial%5 < 2 { // a few distinct values: many exact ties
				x[i] = vals[r.IntN(3)]
			}
		}
		y, want := make([]float32, out.Size()), make([]float32, out.Size())
		idx, wantIdx := make([]int32, out.Size()), make([]int32, out.Size())
		maxPool2x2(x, in, out, y, idx)
		maxPoolRows(x, in, out, want, wantIdx)
		for o := range y {
			if math.Float32bits(y[o]) != math.Float32bits(want[o]) || idx[o] != wantIdx[o] {
				t.Fatalf("trial %d output %d: got %v at %d, want %v at %d", trial, o, y[o], idx[o], want[o], wantIdx[o])
			}
		}
	}
}
