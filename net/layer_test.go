package net

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// chain builds a list of layer specs, tracking the shape between layers.
type chain struct {
	shape Shape
	specs []layerSpec
}

func (c *chain) add(s layerSpec, out Shape) *chain {
	s.in, s.init = c.shape, initRule{kind: initUniform}
	c.specs, c.shape = append(c.specs, s), out
	return c
}

func (c *chain) conv(outs, k, stride, pad int, act string) *chain {
	in := c.shape
	return c.add(layerSpec{kind: kindConv, outs: outs, k: k, stride: stride, pad: pad, bias: true, act: act},
		Shape{C: outs, H: (in.H+2*pad-k)/stride + 1, W: (in.W+2*pad-k)/stride + 1})
}

func (c *chain) pool(kh, kw int, isMax bool) *chain {
	kind := kindAvgPool
	if isMax {
		kind = kindMaxPool
	}
	return c.add(layerSpec{kind: kind, k: kh, kw: kw}, Shape{C: c.shape.C, H: c.shape.H / kh, W: c.shape.W / kw})
}

// subsample is AvgPool2d(1, stride).
func (c *chain) subsample(stride int) *chain {
	in := c.shape
	return c.add(layerSpec{kind: kindAvgPool, k: 1, stride: stride}, Shape{C: in.C, H: (in.H-1)/stride + 1, W: (in.W-1)/stride + 1})
}

func (c *chain) linear(outs int, bias bool, act string) *chain {
	return c.add(layerSpec{kind: kindLinear, outs: outs, bias: bias, act: act}, Vector(outs))
}

func (c *chain) bn(act string) *chain {
	return c.add(layerSpec{kind: kindBatchNorm, act: act}, c.shape)
}

// residual adds a block of body and shortcut (nil: identity) chains built
// from the current shape, with activation act.
func (c *chain) residual(body, shortcut func(*chain) *chain, act string) *chain {
	b := body(&chain{shape: c.shape})
	s := layerSpec{kind: kindResidual, act: act, body: b.specs}
	for i := range s.body {
		s.body[i].name = fmt.Sprintf("b%d", i)
	}
	if shortcut != nil {
		s.shortcut = shortcut(&chain{shape: c.shape}).specs
		for i := range s.shortcut {
			s.shortcut[i].name = fmt.Sprintf("s%d", i)
		}
	}
	return c.add(s, b.shape)
}

// layerNets are tiny networks that together hold every layer kind, each
// with activation act.
func layerNets(act string) map[string]*chain {
	img := Shape{C: 2, H: 5, W: 5}
	return map[string]*chain{
		"linear":              (&chain{shape: Vector(7)}).linear(6, true, act).linear(3, true, ""),
		"conv-maxpool-linear": (&chain{shape: img}).conv(3, 3, 1, 1, act).pool(2, 2, true).linear(3, true, ""),
		"conv-s2-avgpool":     (&chain{shape: img}).conv(4, 2, 2, 0, act).pool(2, 1, false).linear(3, true, ""),
		"conv-conv-global":    (&chain{shape: img}).conv(3, 3, 1, 0, act).conv(4, 1, 1, 1, act).pool(5, 5, false).linear(3, true, ""),
		"nobias-conv-linear":  (&chain{shape: Shape{C: 1, H: 4, W: 3}}).add(layerSpec{kind: kindConv, outs: 2, k: 2, stride: 1, act: act}, Shape{C: 2, H: 3, W: 2}).linear(3, false, act).linear(3, true, ""),
		"linear-bn1d":         (&chain{shape: Vector(7)}).linear(6, true, act).bn("").linear(3, true, ""),
		"conv-bn-maxpool":     (&chain{shape: img}).conv(3, 3, 1, 1, act).bn("").pool(2, 2, true).linear(3, true, ""),
		"conv-bnact-global":   (&chain{shape: img}).conv(3, 3, 1, 1, "").bn(act).pool(5, 5, false).linear(3, true, ""),
		"residual": (&chain{shape: img}).conv(2, 3, 1, 1, "").bn(act).
			residual(func(b *chain) *chain { return b.conv(2, 3, 1, 1, "").bn(act).conv(2, 3, 1, 1, "").bn("") }, nil, act).
			residual(func(b *chain) *chain { return b.conv(4, 3, 2, 1, "").bn(act).conv(4, 3, 1, 1, "").bn("") },
				func(s *chain) *chain { return s.subsample(2).bn("") }, act).
			pool(3, 3, false).linear(3, true, ""),
	}
}

// layerModel is a float64 model of the chain c, initialised from seed.
func layerModel[T float32 | float64](c *chain, in Shape, seed uint64) *Model[T] {
	a := Arch{Name: "test", Family: "test", Activation: actLinear, Input: in, Out: c.shape.C, Init: InitStandard}
	m := newModel[T](a, c.specs)
	m.Initialize(seed)
	for _, ly := range m.layers {
		if cv, ok := ly.(*conv2d[T]); ok {
			cv.group = 2 // chunks of 3 examples take two groups
		}
	}
	return m
}

// imageSet is a random image dataset of shape in (pixel inputs when pixels).
func imageSet(seed uint64, n int, in Shape, classes int, pixels bool) *data.Set {
	var s *data.Set
	if pixels {
		s = pixelSet(seed, n, in.Size(), classes, classes)
	} else {
		s = floatSet(seed, n, in.Size(), classes, classes)
	}
	if in.H > 1 || in.W > 1 {
		s.C, s.H, s.W = in.C, in.H, in.W
	}
	return s
}

// refLayers runs the specs on a ghost batch of inputs xs by plain loops,
// independently of the layers' im2col, GEMM and statistics code, taking the
// parameter tensors in order from next.
func refLayers(specs []layerSpec, next func() []float64, xs [][]float64) [][]float64 {
	for _, s := range specs {
		in := s.in
		var w, b []float64
		if s.kind == kindLinear || s.kind == kindConv || s.kind == kindBatchNorm {
			w = next()
			if s.bias || s.kind == kindBatchNorm {
				b = next()
			}
		}
		ys := make([][]float64, len(xs))
		switch s.kind {
		case kindBatchNorm:
			p := in.H * in.W
			for i := range xs {
				ys[i] = make([]float64, len(xs[i]))
			}
			for c := range in.C {
				m := float64(len(xs) * p)
				mean, vr := 0.0, 0.0
				for _, x := range xs {
					for _, v := range x[c*p : (c+1)*p] {
						mean += v / m
					}
				}
				for _, x := range xs {
					for _, v := range x[c*p : (c+1)*p] {
						vr += (v - mean) * (v - mean) / m
					}
				}
				for i, x := range xs {
					for j := c * p; j < (c+1)*p; j++ {
						ys[i][j] = w[c]*(x[j]-mean)/math.Sqrt(vr+1e-5) + b[c]
					}
				}
			}
		case kindResidual:
			body := refLayers(s.body, next, xs)
			short := xs
			if s.shortcut != nil {
				short = refLayers(s.shortcut, next, xs)
			}
			for i := range xs {
				ys[i] = append([]float64(nil), body[i]...)
				for j, v := range short[i] {
					ys[i][j] += v
				}
			}
		default:
			for i, x := range xs {
				ys[i] = refOne(s, w, b, x)
			}
		}
		if s.act != "" {
			for _, y := range ys {
				for i, v := range y {
					y[i] = refActivation(s.act, v)
				}
			}
		}
		xs = ys
	}
	return xs
}

// refOne runs a Linear, Conv2d or pooling layer s with weight w and bias b
// (nil for none) on one input x.
func refOne(s layerSpec, w, b, x []float64) []float64 {
	in := s.in
	var y []float64
	switch s.kind {
	case kindLinear:
		y = make([]float64, s.outs)
		for i := range y {
			for j, v := range x {
				y[i] += w[i*len(x)+j] * v
			}
			if b != nil {
				y[i] += b[i]
			}
		}
	case kindConv:
		st := max(s.stride, 1)
		oh, ow := (in.H+2*s.pad-s.k)/st+1, (in.W+2*s.pad-s.k)/st+1
		y = make([]float64, s.outs*oh*ow)
		for co := range s.outs {
			for r := range oh {
				for c := range ow {
					sum := 0.0
					if b != nil {
						sum = b[co]
					}
					for ci := range in.C {
						for i := range s.k {
							for j := range s.k {
								h, v := r*st-s.pad+i, c*st-s.pad+j
								if h >= 0 && h < in.H && v >= 0 && v < in.W {
									sum += w[((co*in.C+ci)*s.k+i)*s.k+j] * x[(ci*in.H+h)*in.W+v]
								}
							}
						}
					}
					y[(co*oh+r)*ow+c] = sum
				}
			}
		}
	default:
		kw := s.kw
		if kw == 0 {
			kw = s.k
		}
		sh, sw := s.k, kw
		if s.stride > 0 {
			sh, sw = s.stride, s.stride
		}
		oh, ow := (in.H-s.k)/sh+1, (in.W-kw)/sw+1
		y = make([]float64, in.C*oh*ow)
		for ch := range in.C {
			for r := range oh {
				for c := range ow {
					best, sum := math.Inf(-1), 0.0
					for i := range s.k {
						for j := range kw {
							v := x[(ch*in.H+r*sh+i)*in.W+c*sw+j]
							best, sum = math.Max(best, v), sum+v
						}
					}
					if s.kind == kindAvgPool {
						best = sum / float64(s.k*kw)
					}
					y[(ch*oh+r)*ow+c] = best
				}
			}
		}
	}
	return y
}

// refLoss is the mean loss of the specs over s by refLayers, on ghost
// batches of chunk examples.
func refLoss(specs []layerSpec, tensors []Tensor, theta []float64, s *data.Set, loss string, chunk int) float64 {
	total := 0.0
	for lo := 0; lo < s.N; lo += chunk {
		var xs [][]float64
		for i := lo; i < min(lo+chunk, s.N); i++ {
			x := make([]float64, s.D)
			s.Input(i, x)
			xs = append(xs, x)
		}
		ti := 0
		next := func() []float64 {
			t := tensors[ti]
			ti++
			return theta[t.Offset : t.Offset+t.Len]
		}
		for k, f := range refLayers(specs, next, xs) {
			i := lo + k
			if loss == lossCE {
				z := 0.0
				for _, v := range f {
					z += math.Exp(v)
				}
				total += math.Log(z) - f[s.Labels[i]]
				continue
			}
			for j, v := range f {
				y := 0.0
				if j == int(s.Labels[i]) {
					y = 1
				}
				total += 0.5 * (v - y) * (v - y)
			}
		}
	}
	return total / float64(s.N)
}

// relClose reports whether got is within tol of want, relative to scale.
func relClose(got, want []float64, tol float64) (bool, float64) {
	diff, scale := maxAbsDiff(got, want)
	return diff <= tol*math.Max(scale, 1e-3), diff / math.Max(scale, 1e-3)
}

// TestLayers checks every layer kind under every activation, on pixel and
// float inputs and both losses: the loss against an independent plain-loop
// network, the gradient against central differences of that loss, the HVP
// against central differences of the gradient, vᵀHw = wᵀHv, the recomputed
// linearisation against the cached one, bitwise equality across thread
// counts, and no allocation per pass.
func TestLayers(t *testing.T) {
	for _, act := range activationNames {
		for name, c := range layerNets(act) {
			for k, loss := range []string{lossMSE, lossCE} {
				pixels := k == 0
				t.Run(fmt.Sprintf("%s/%s/%s", name, act, loss), func(t *testing.T) {
					testLayerNet(t, c, loss, pixels)
				})
			}
		}
	}
}

func testLayerNet(t *testing.T, c *chain, loss string, pixels bool) {
	in := c.specs[0].in
	s := imageSet(11, 7, in, c.shape.C, pixels)
	m := layerModel[float64](c, in, 3)
	// Random biases and larger weights keep activations off their kinks' flat parts.
	r := rand.New(rand.NewPCG(5, 5))
	for i := range m.Params {
		m.Params[i] += 0.3 * r.NormFloat64()
	}
	tensors := m.Tensors()
	o := mustObjective(t, m, s, loss, 3, 1)
	n := m.NumParams()
	theta := m.Params

	if got, want := o.Eval(theta).Loss, refLoss(c.specs, tensors, theta, s, loss, 3); math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) {
		t.Fatalf("loss %.15g, plain loops give %.15g", got, want)
	}

	g := make([]float64, n)
	o.Grad(theta, g)
	const eps = 1e-6
	fd := make([]float64, n)
	tp := append([]float64(nil), theta...)
	for i := range n {
		tp[i] = theta[i] + eps
		up := refLoss(c.specs, tensors, tp, s, loss, 3)
		tp[i] = theta[i] - eps
		down := refLoss(c.specs, tensors, tp, s, loss, 3)
		tp[i] = theta[i]
		fd[i] = (up - down) / (2 * eps)
	}
	if ok, rel := relClose(g, fd, 1e-5); !ok {
		t.Errorf("gradient differs from central differences of the plain-loop loss by %.2g (relative)", rel)
	}

	v, w := randomVector(21, n), randomVector(22, n)
	o.Linearize(theta)
	hv, hw := make([]float64, n), make([]float64, n)
	o.HVP(w, hw)
	o.HVP(v, hv)
	rf := append([]float64(nil), o.scratch[0].r[len(o.net.layers)-1].rz...)
	gp, gm := make([]float64, n), make([]float64, n)
	for i := range n {
		tp[i] = theta[i] + eps*v[i]
	}
	o.Grad(tp, gp)
	for i := range n {
		tp[i] = theta[i] - eps*v[i]
	}
	o.Grad(tp, gm)
	for i := range n {
		fd[i] = (gp[i] - gm[i]) / (2 * eps)
	}
	if ok, rel := relClose(hv, fd, 1e-5); !ok {
		t.Errorf("HVP differs from central differences of the gradient by %.2g (relative)", rel)
	}
	var vhw, whv float64
	for i := range n {
		vhw += v[i] * hw[i]
		whv += w[i] * hv[i]
	}
	if math.Abs(vhw-whv) > 1e-10*math.Max(1, math.Abs(vhw)) {
		t.Errorf("vᵀHw = %.15g, wᵀHv = %.15g", vhw, whv)
	}

	// The R-forward pass against a finite-difference JVP of the outputs: the
	// single-worker objective's last R{z} holds R{f} of the last chunk.
	last := o.scratch[0].tape.s[len(o.net.layers)-1].act
	for i := range n {
		tp[i] = theta[i] + eps*v[i]
	}
	o.Eval(tp)
	up := append([]float64(nil), last...)
	for i := range n {
		tp[i] = theta[i] - eps*v[i]
	}
	o.Eval(tp)
	rows := s.N - (o.chunks-1)*o.chunk
	for i := range rows * c.shape.C {
		jvp := (up[i] - last[i]) / (2 * eps)
		if math.Abs(rf[i]-jvp) > 1e-6*math.Max(1, math.Abs(jvp)) {
			t.Fatalf("R{f}[%d] = %.10g, finite-difference JVP %.10g", i, rf[i], jvp)
		}
	}

	// Recomputing the linearisation per chunk gives the cached HVP bit for bit.
	o.SetCacheBudget(0)
	o.Linearize(theta)
	hv2 := make([]float64, n)
	o.HVP(v, hv2)
	if o.CachesLinearization() || !equalBits(hv, hv2) {
		t.Errorf("HVP without the cache differs from the cached one (cached %v)", o.CachesLinearization())
	}

	// Thread counts: bitwise the same gradient and HVP, with chunks on
	// parallel workers and with one chunk whose GEMMs and BatchNorm
	// channels the threads share.
	for _, chunk := range []int{3, s.N} {
		g1, hv1 := g, hv
		if chunk != 3 {
			o1 := mustObjective(t, m, s, loss, chunk, 1)
			g1, hv1 = make([]float64, n), make([]float64, n)
			o1.Grad(theta, g1)
			o1.Linearize(theta)
			o1.HVP(v, hv1)
		}
		for _, threads := range []int{2, 3} {
			ot := mustObjective(t, m, s, loss, chunk, threads)
			g2 := make([]float64, n)
			ot.Grad(theta, g2)
			ot.Linearize(theta)
			ot.HVP(v, hv2)
			if !equalBits(g1, g2) || !equalBits(hv1, hv2) {
				t.Errorf("chunk %d, threads %d: gradient or HVP not bitwise equal to 1 thread", chunk, threads)
			}
		}
	}

	if !raceEnabled {
		if a := testing.AllocsPerRun(3, func() { o.Grad(theta, g); o.HVP(v, hv) }); a != 0 {
			t.Errorf("Grad and HVP allocate %.0f times per call", a)
		}
	}
}

// equalBits reports whether a and b hold the same bits.
func equalBits(a, b []float64) bool {
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return len(a) == len(b)
}
