package data

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/bits"
	"math/rand/v2"
)

// SynthConfig holds every size and difficulty knob of the embedded default
// dataset. Each example is mid-grey (128) plus its class's prototype,
// translated, plus a smooth per-example deformation, plus per-pixel noise,
// clamped to 0..255. Amplitudes are in pixel units. Generation is integer
// arithmetic on a PCG stream, so a (config, seed) pair gives the same bytes on
// every platform.
type SynthConfig struct {
	// Side is the image width and height; Channels the number of colour
	// planes, stored plane after plane (CHW) as in CIFAR-10.
	Side, Channels int
	// Classes is the number of classes; Train and Test the split sizes.
	Classes, Train, Test int
	// Grid is the number of control points per side (2..Side) of the
	// prototypes and deformations, which are bilinear between them: smaller
	// is smoother.
	Grid int
	// Prototype bounds the prototypes' control points (uniform in ±Prototype).
	Prototype int
	// Deform bounds the deformations' control points (uniform in ±Deform).
	Deform int
	// Translate bounds the shift of the prototype in pixels on each axis
	// (uniform in ±Translate, edges clamped).
	Translate int
	// Noise is about the standard deviation of the per-pixel noise, a sum of
	// three uniform integers in ±Noise.
	Noise int
	// LabelNoise is the per mille of training labels replaced by a different
	// random class; test labels stay clean.
	LabelNoise int
}

// DefaultSynthConfig returns the parameters of the DefaultName dataset: 2,000
// training and 500 test 8×8 RGB images in 10 classes, 4% label noise.
func DefaultSynthConfig() SynthConfig {
	return SynthConfig{
		Side: 8, Channels: 3,
		Classes: 10, Train: 2000, Test: 500,
		Grid:       3,
		Prototype:  40,
		Deform:     40,
		Translate:  1,
		Noise:      32,
		LabelNoise: 40,
	}
}

// PCG stream numbers, so that each generated thing has its own sequence
// and, e.g., the test set does not change with the training set's size.
const (
	streamPrototypes = 1 + iota
	streamTrain
	streamTest
	streamLinear
)

// Synthesize generates the embedded dataset described by cfg from seed,
// standardised like CIFAR-10 with statistics over its training set. Within
// every run of Classes consecutive examples each class appears once (before
// label noise), so any prefix is nearly balanced. The sets are named
// DefaultName; a caller with its own cfg may rename them.
func Synthesize(cfg SynthConfig, seed uint64) (Split, error) {
	if err := cfg.validate(); err != nil {
		return Split{}, err
	}
	d := cfg.Channels * cfg.Side * cfg.Side
	protoRNG := rand.NewPCG(seed, streamPrototypes)
	protos := make([][]int32, cfg.Classes)
	for c := range protos {
		protos[c] = cfg.smoothField(protoRNG, cfg.Prototype)
	}
	train := cfg.examples(protos, rand.NewPCG(seed, streamTrain), cfg.Train, cfg.LabelNoise)
	test := cfg.examples(protos, rand.NewPCG(seed, streamTest), cfg.Test, 0)
	stats := newPixelStats(d)
	for i := range cfg.Train {
		stats.add(train.pixels[i*d : (i+1)*d])
	}
	scale, shift := stats.scaleShift()
	set := func(r cifarRecords) *Set {
		return &Set{
			Name: DefaultName, N: len(r.labels), D: d, C: cfg.Channels, H: cfg.Side, W: cfg.Side, Classes: cfg.Classes, Outputs: cfg.Classes,
			Pixels: r.pixels, Scale: scale, Shift: shift, Labels: r.labels, Source: "embedded", Checksum: recordsChecksum(r),
		}
	}
	return Split{Train: set(train), Test: set(test)}, nil
}

// validate reports a configuration the generator cannot honour.
func (cfg SynthConfig) validate() error {
	switch {
	case cfg.Side < 2 || cfg.Channels < 1 || cfg.Classes < 2 || cfg.Classes > 256:
		return fmt.Errorf("synthetic config: need Side ≥ 2, Channels ≥ 1, 2 ≤ Classes ≤ 256, got %+v", cfg)
	case cfg.Train < 1 || cfg.Test < 1:
		return fmt.Errorf("synthetic config: need Train, Test ≥ 1, got %+v", cfg)
	case cfg.Grid < 2 || cfg.Grid > cfg.Side:
		return fmt.Errorf("synthetic config: need 2 ≤ Grid ≤ Side, got %+v", cfg)
	case cfg.Prototype < 0 || cfg.Deform < 0 || cfg.Noise < 0 || cfg.Translate < 0 || cfg.Translate >= cfg.Side:
		return fmt.Errorf("synthetic config: need non-negative amplitudes and Translate < Side, got %+v", cfg)
	case cfg.LabelNoise < 0 || cfg.LabelNoise > 1000:
		return fmt.Errorf("synthetic config: need 0 ≤ LabelNoise ≤ 1000, got %+v", cfg)
	}
	return nil
}

// examples draws n examples of the classes whose prototypes are protos,
// replacing labelNoise per mille of the labels by a different class.
func (cfg SynthConfig) examples(protos [][]int32, r *rand.PCG, n, labelNoise int) cifarRecords {
	s := cfg.Side
	d := cfg.Channels * s * s
	out := cifarRecords{pixels: make([]uint8, n*d), labels: make([]int32, n)}
	order := make([]int, cfg.Classes)
	for i := range n {
		if i%cfg.Classes == 0 {
			permute(r, order)
		}
		class := order[i%cfg.Classes]
		proto := protos[class]
		dy, dx := symmetric(r, cfg.Translate), symmetric(r, cfg.Translate)
		deform := cfg.smoothField(r, cfg.Deform)
		px := out.pixels[i*d : (i+1)*d]
		for c := range cfg.Channels {
			for y := range s {
				py := min(max(y+dy, 0), s-1)
				for x := range s {
					qx := min(max(x+dx, 0), s-1)
					j := (c*s+y)*s + x
					noise := symmetric(r, cfg.Noise) + symmetric(r, cfg.Noise) + symmetric(r, cfg.Noise)
					v := 128 + int(proto[(c*s+py)*s+qx]) + int(deform[j]) + noise
					px[j] = uint8(min(max(v, 0), 255))
				}
			}
		}
		// Both draws are made whatever labelNoise is, so that the pixels do
		// not depend on it.
		flip, other := uniform(r, 1000) < labelNoise, uniform(r, cfg.Classes-1)
		if flip {
			class = (class + 1 + other) % cfg.Classes
		}
		out.labels[i] = int32(class)
	}
	return out
}

// smoothField draws Channels planes of Grid×Grid control points uniform in
// ±amp and returns them bilinearly interpolated to Side×Side (CHW), rounded
// to whole pixel values.
func (cfg SynthConfig) smoothField(r *rand.PCG, amp int) []int32 {
	g, s := cfg.Grid, cfg.Side
	ctrl := make([]int64, g*g)
	out := make([]int32, cfg.Channels*s*s)
	den := int64(s - 1)
	for c := range cfg.Channels {
		for k := range ctrl {
			ctrl[k] = int64(symmetric(r, amp))
		}
		for y := range s {
			iy, wy := cell(y, g, s)
			for x := range s {
				ix, wx := cell(x, g, s)
				v := ctrl[iy*g+ix]*(den-wy)*(den-wx) + ctrl[iy*g+ix+1]*(den-wy)*wx +
					ctrl[(iy+1)*g+ix]*wy*(den-wx) + ctrl[(iy+1)*g+ix+1]*wy*wx
				out[(c*s+y)*s+x] = int32(roundDiv(v, den*den))
			}
		}
	}
	return out
}

// cell locates pixel p (of s) between control points i and i+1 (of g), with
// weight w/(s−1) on point i+1.
func cell(p, g, s int) (i int, w int64) {
	f := p * (g - 1)
	i, rem := f/(s-1), f%(s-1)
	if i == g-1 {
		return g - 2, int64(s - 1)
	}
	return i, int64(rem)
}

// roundDiv returns a/b rounded to the nearest integer (halves up), for b > 0.
func roundDiv(a, b int64) int64 {
	n, m := 2*a+b, 2*b
	q := n / m
	if n%m != 0 && n < 0 {
		q--
	}
	return q
}

// uniform returns an integer in [0, n) from one draw of r, by the high word
// of a 64×64-bit product (its bias, at most n/2⁶⁴, is immaterial here).
func uniform(r *rand.PCG, n int) int {
	hi, _ := bits.Mul64(r.Uint64(), uint64(n))
	return int(hi)
}

// symmetric returns an integer uniform in [−a, a].
func symmetric(r *rand.PCG, a int) int {
	if a == 0 {
		return 0
	}
	return uniform(r, 2*a+1) - a
}

// permute fills order with a uniformly random permutation of 0..len(order)−1.
func permute(r *rand.PCG, order []int) {
	for i := range order {
		order[i] = i
	}
	for i := len(order) - 1; i > 0; i-- {
		j := uniform(r, i+1)
		order[i], order[j] = order[j], order[i]
	}
}

// recordsChecksum is the SHA-256 (hex) of r's pixels followed by its labels
// (one byte each).
func recordsChecksum(r cifarRecords) string {
	h := sha256.New()
	h.Write(r.pixels)
	labels := make([]byte, len(r.labels))
	for i, l := range r.labels {
		labels[i] = byte(l)
	}
	h.Write(labels)
	return hex.EncodeToString(h.Sum(nil))
}
