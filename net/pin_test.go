package net

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math"
	"os"
	"runtime"
	"testing"

	"github.com/edge-of-stability/eos/asm"
	"github.com/edge-of-stability/eos/data"
)

// updatePins rewrites testdata/pins.json from the current build.
var updatePins = flag.Bool("update-pins", false, "rewrite testdata/pins.json from this build")

// pinCase is one network, dataset and loss whose passes are pinned bit for bit.
type pinCase struct {
	name, arch, loss, init string
	hidden                 []int
	set                    func() *data.Set
	chunk                  int
}

// pinCases cover the fc, deeplinear and regression nets on pixel and float inputs.
var pinCases = []pinCase{
	{"fc-tanh-pixels-mse", "fc-tanh", "mse", InitStandard, []int{20, 30}, func() *data.Set { return pixelSet(1, 70, 48, 10, 10) }, 16},
	{"fc-relu-nobias-float-ce", "fc-relu-nobias", "ce", InitStandard, []int{17}, func() *data.Set { return floatSet(2, 40, 13, 5, 5) }, 9},
	{"fc-elu-ntk-pixels-ce", "fc-elu", "ce", InitNTK, []int{12, 11, 9}, func() *data.Set { return pixelSet(3, 33, 27, 4, 4) }, 33},
	{"fc-softplus-xavier-mse", "fc-softplus", "mse", InitXavier, nil, func() *data.Set { return floatSet(4, 25, 10, 3, 3) }, 7},
	{"deeplinear", "deeplinear", "mse", InitStandard, nil, func() *data.Set { return floatSet(5, 30, 50, 50, 0) }, 11},
	{"regression", "regression", "mse", InitStandard, nil, func() *data.Set { return floatSet(6, 21, 1, 1, 0) }, 5},
}

// pinDigest hashes the bits of the loss, accuracy, gradient and an HVP of c
// at its seed-0 initialisation in precision T.
func pinDigest[T float32 | float64](t *testing.T, c pinCase) string {
	s := c.set()
	m := NewModel[T](mustArch(t, c.arch, c.hidden, s.D, s.Outputs, c.init))
	m.Initialize(7)
	o := mustObjective(t, m, s, c.loss, c.chunk, 2)
	g := make([]T, m.NumParams())
	met := o.Grad(m.Params, g)
	o.Linearize(m.Params)
	v := make([]T, m.NumParams())
	for i, x := range randomVector(9, len(v)) {
		v[i] = T(x)
	}
	hv := make([]T, len(v))
	o.HVP(v, hv)
	h := sha256.New()
	put := func(x float64) { binary.Write(h, binary.LittleEndian, math.Float64bits(x)) }
	put(met.Loss)
	put(met.Acc)
	for _, x := range g {
		put(float64(x))
	}
	for _, x := range hv {
		put(float64(x))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestPinnedPasses checks that the gradient and HVP of every pinned case are
// bitwise what the build that wrote testdata/pins.json computed.
func TestPinnedPasses(t *testing.T) {
	got := map[string]string{}
	defer asm.Select("")
	for _, l := range asm.Levels() {
		if !l.Supported {
			continue
		}
		if err := asm.Select(l.Name); err != nil {
			t.Fatal(err)
		}
		for _, c := range pinCases {
			key := runtime.GOARCH + "/" + l.Name + "/" + c.name
			got[key+"/float64"] = pinDigest[float64](t, c)
			got[key+"/float32"] = pinDigest[float32](t, c)
		}
	}
	const file = "testdata/pins.json"
	if *updatePins {
		// Keep the pins of the levels and GOARCHes this machine does not run.
		all := map[string]string{}
		if b, err := os.ReadFile(file); err == nil {
			if err := json.Unmarshal(b, &all); err != nil {
				t.Fatal(fmt.Errorf("%s: %w", file, err))
			}
		}
		maps.Copy(all, got)
		b, _ := json.MarshalIndent(all, "", "  ")
		if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", file, err))
	}
	checked := 0
	for k, g := range got {
		w, ok := want[k]
		if !ok {
			continue // a level the pinning machine did not have
		}
		checked++
		if g != w {
			t.Errorf("%s: passes differ from the pinned build (digest %s, pinned %s)", k, g[:12], w[:12])
		}
	}
	if checked == 0 {
		t.Fatalf("%s pins none of the %d cases this machine computes", file, len(got))
	}
}
