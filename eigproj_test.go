package eos

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/data"
	"github.com/edge-of-stability/eos/net"
	"github.com/edge-of-stability/eos/tensorfile"
)

// TestEigProjMatchesSavedWeightsAndEigenvectors recomputes every row of
// eigproj.csv from the weights saved at each step and the eigenvectors
// saved at each measurement: proj_k = ⟨θ_i − θ_base, u_k⟩ and rest the
// length of what the eigenvectors leave of θ_i − θ_base.
func TestEigProjMatchesSavedWeightsAndEigenvectors(t *testing.T) {
	cfg := quickConfig(t)
	cfg.MaxSteps, cfg.EigFreq, cfg.NEigs, cfg.TestFreq = 7, 3, 2, 0
	cfg.EigProj, cfg.SaveEigvecs, cfg.SaveFreq = true, true, 1
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, rows := readCSV(t, filepath.Join(res.Dir, EigProjFile))
	if got := strings.Join(h, ","); got != "step,base_step,proj1,proj2,rest" {
		t.Fatalf("header %q", got)
	}
	if len(rows) != cfg.MaxSteps+1 {
		t.Fatalf("%d rows, want one per step 0…%d", len(rows), cfg.MaxSteps)
	}
	split, err := data.Load(cfg.Dataset, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := net.ParseArch(cfg.Arch, cfg.Widths, net.InputShape(split.Train), split.Train.Outputs, cfg.Init)
	if err != nil {
		t.Fatal(err)
	}
	m := net.NewModel[float32](arch)
	weightsAt := func(step int) []float64 {
		theta := make([]float32, m.NumParams())
		if err := loadWeights(filepath.Join(res.Dir, fmt.Sprintf("weights_step_%07d.safetensors", step)), m, theta); err != nil {
			t.Fatal(err)
		}
		return toFloat64(theta)
	}
	steps, bases := column(t, h, rows, "step"), column(t, h, rows, "base_step")
	proj := [][]float64{column(t, h, rows, "proj1"), column(t, h, rows, "proj2")}
	rest := column(t, h, rows, "rest")
	moved := false
	for i := range rows {
		step, base := int(steps[i]), int(bases[i])
		if step != i || base != step/cfg.EigFreq*cfg.EigFreq {
			t.Fatalf("row %d: step %d base %d, want the latest measurement's step", i, step, base)
		}
		ts, _, err := tensorfile.ReadSafetensors(filepath.Join(res.Dir, "eigvecs", fmt.Sprintf("step_%07d.safetensors", base)))
		if err != nil {
			t.Fatal(err)
		}
		var vecs tensorfile.Tensor
		for _, x := range ts {
			if x.Name == "eigenvectors" {
				vecs = x
			}
		}
		theta, from := weightsAt(step), weightsAt(base)
		n := len(theta)
		d := make([]float64, n)
		for j := range d {
			d[j] = theta[j] - from[j]
		}
		norm2 := 0.0
		for _, x := range d {
			norm2 += x * x
		}
		parts := 0.0
		for k := range 2 {
			c := 0.0
			for j, u := range vecs.Data[k*n : (k+1)*n] {
				c += d[j] * u
			}
			parts += c * c
			if math.Abs(c-proj[k][i]) > 1e-5*math.Sqrt(norm2)+1e-12 {
				t.Errorf("step %d: proj%d %v, recomputed %v", step, k+1, proj[k][i], c)
			}
		}
		want := math.Sqrt(math.Max(0, norm2-parts))
		if math.Abs(want-rest[i]) > 1e-4*math.Sqrt(norm2)+1e-12 {
			t.Errorf("step %d: rest %v, recomputed %v", step, rest[i], want)
		}
		moved = moved || rest[i] > 0 && proj[0][i] != 0
	}
	if !moved {
		t.Error("every row is zero: the iterate never moved from its base")
	}
}

func TestEigProjNeedsEigenvectors(t *testing.T) {
	cfg := quickConfig(t)
	cfg.NEigs, cfg.EigProj = 0, true
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "--eig-proj") {
		t.Fatalf("--eig-proj without --neigs: %v", err)
	}
}
