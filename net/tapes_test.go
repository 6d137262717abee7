package net

import (
	"testing"
	"unsafe"
)

// heldBytes is the memory behind the buffers of slabs and R-slabs, each
// shared buffer counted once.
func heldBytes[T float32 | float64](t *tape[T], r []rslab[T]) int64 {
	seen := map[*T]bool{}
	var zero T
	var bytes int64
	add := func(b []T) {
		if cap(b) == 0 || seen[unsafe.SliceData(b)] {
			return
		}
		seen[unsafe.SliceData(b)] = true
		bytes += int64(cap(b)) * int64(unsafe.Sizeof(zero))
	}
	var slabs func(s []slab[T])
	slabs = func(s []slab[T]) {
		for _, sl := range s {
			add(sl.act)
			add(sl.d1)
			add(sl.d2)
			add(sl.dz)
			bytes += 4*int64(cap(sl.idx)) + 8*int64(cap(sl.stat))
			slabs(sl.sub)
		}
	}
	var rslabs func(r []rslab[T])
	rslabs = func(r []rslab[T]) {
		for _, rs := range r {
			add(rs.rz)
			add(rs.ra)
			add(rs.rdz)
			bytes += 8 * int64(cap(rs.stat))
			rslabs(rs.sub)
		}
	}
	slabs(t.s)
	rslabs(r)
	add(t.p)
	return bytes
}

// TestWorkBytesCountsAllocations checks that WorkBytes, counted before any
// pass, is what the workers hold after the passes of each use, for nets with
// pooling, BatchNorm and residual blocks, cached and recomputed.
func TestWorkBytesCountsAllocations(t *testing.T) {
	for name, c := range layerNets(actSoftplus) {
		for _, loss := range []string{"mse", "ce"} {
			for _, cached := range []bool{true, false} {
				in := Shape{C: 2, H: 5, W: 5}
				if len(c.specs) > 0 {
					in = c.specs[0].in
				}
				m := layerModel[float64](c, in, 1)
				o := mustObjective(t, m, imageSet(2, 7, in, c.shape.C, false), loss, 3, 2)
				budget := int64(0)
				if cached {
					budget = 1 << 40
				}
				o.SetCacheBudget(budget)
				held := func() int64 {
					var b int64
					for _, w := range o.scratch {
						b += heldBytes(&w.tape, w.r) + int64(len(w.env.scratch))*8
						for _, p := range w.env.parts {
							b += int64(len(p.scratch)) * 8
						}
					}
					return b + int64(len(o.acc)+2)*int64(o.numParams)*8
				}
				grad := make([]float64, o.numParams)
				want := []struct {
					use  Use
					pass func()
				}{
					{UseEval, func() { o.Eval(m.Params) }},
					{UseEval | UseGrad, func() { o.Grad(m.Params, grad) }},
					{UseEval | UseGrad | UseHVP, func() { o.Linearize(m.Params); o.HVP(grad, make([]float64, o.numParams)) }},
				}
				for _, w := range want {
					count := o.WorkBytes(w.use, cached)
					w.pass()
					sums := int64(0)
					if w.use == UseEval {
						sums = int64(len(o.acc)+2) * int64(o.numParams) * 8
					}
					if got := held() - sums; got != count {
						t.Errorf("%s %s cached=%v use %d: workers hold %d bytes, WorkBytes counted %d", name, loss, cached, w.use, got, count)
					}
				}
			}
		}
	}
}

// TestSharedTapesSmall checks that the forward-only and gradient tapes of
// resnet32 hold much less than its linearisation: layers two apart and the
// blocks' inner layers share their buffers.
func TestSharedTapesSmall(t *testing.T) {
	a, err := ParseArch("resnet32", nil, Shape{C: 3, H: 32, W: 32}, 10, InitStandard)
	if err != nil {
		t.Fatal(err)
	}
	layers := NewModel[float32](a).layers
	perExample := func(lv tapeLevel) int64 {
		z := &sizer[float32]{dry: true}
		newSlabs(z, layers, 1, lv)
		return z.bytes
	}
	eval, grad, full := perExample(tapeEval), perExample(tapeGrad), perExample(tapeFull)
	t.Logf("resnet32 tape per example: eval %d, grad %d, full %d bytes", eval, grad, full)
	// The largest activation is 16×32×32 floats (64 KiB): a few of them
	// per depth and parity for the forward pass.
	if eval > 8*16*32*32*4 {
		t.Errorf("eval tape %d bytes per example, want at most 8 activations of 64 KiB", eval)
	}
	if grad*3 > full*2 {
		t.Errorf("gradient tape %d bytes per example, want under 2/3 of the full tape's %d", grad, full)
	}
}

// TestSingleWorkerSameBits checks that running the chunks one at a time,
// all threads in each GEMM, changes neither the gradient nor the HVP, and
// that it holds one worker's tape.
func TestSingleWorkerSameBits(t *testing.T) {
	c := layerNets(actTanh)["residual"]
	in := c.specs[0].in
	m := layerModel[float32](c, in, 3)
	set := imageSet(4, 11, in, c.shape.C, true)
	passes := func(o *Objective[float32]) ([]float32, []float32) {
		g, hv := make([]float32, o.numParams), make([]float32, o.numParams)
		o.Grad(m.Params, g)
		o.Linearize(m.Params)
		o.HVP(g, hv)
		return g, hv
	}
	two := mustObjective(t, m, set, "ce", 3, 2)
	one := mustObjective(t, m, set, "ce", 3, 2)
	before := one.WorkBytes(UseGrad|UseHVP, true)
	one.SingleWorker()
	if one.Workers() != 1 || two.Workers() != 2 {
		t.Fatalf("workers %d and %d, want 1 and 2", one.Workers(), two.Workers())
	}
	if after := one.WorkBytes(UseGrad|UseHVP, true); after >= before {
		t.Errorf("one worker holds %d bytes, two %d", after, before)
	}
	g2, hv2 := passes(two)
	g1, hv1 := passes(one)
	for i := range g1 {
		if g1[i] != g2[i] || hv1[i] != hv2[i] {
			t.Fatalf("parameter %d: one worker gives gradient %v and HVP %v, two give %v and %v", i, g1[i], hv1[i], g2[i], hv2[i])
		}
	}
}
