package eos

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/edge-of-stability/eos/data"
)

// TestRunRecordsPhases checks the time breakdown against the run's own logs:
// one GD pass per metrics row, one solve per eigs.csv row, their HVPs summed
// from its hvps column, and parts that add up to the total.
func TestRunRecordsPhases(t *testing.T) {
	cfg := quickConfig(t)
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(res.Dir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Dataset string `json:"dataset"`
		Phases  Phases `json:"phases"`
	}
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Dataset != cfg.Dataset {
		t.Errorf("config.json dataset %q, want %q: the other fields must survive", rec.Dataset, cfg.Dataset)
	}
	p := rec.Phases
	if p != res.Phases {
		t.Errorf("config.json phases %+v, Result.Phases %+v", p, res.Phases)
	}
	_, rows := readCSV(t, filepath.Join(res.Dir, "metrics.csv"))
	eh, erows := readCSV(t, filepath.Join(res.Dir, "eigs.csv"))
	hvps := 0
	for _, h := range column(t, eh, erows, "hvps") {
		hvps += int(h)
	}
	if p.GDPasses != len(rows) || p.Solves != len(erows) || p.HVPs != hvps {
		t.Errorf("phases count %d GD passes, %d solves, %d HVPs; the logs have %d rows, %d solves, %d HVPs",
			p.GDPasses, p.Solves, p.HVPs, len(rows), len(erows), hvps)
	}
	parts := []float64{p.GD, p.Test, p.Linearize, p.HVP, p.Solver, p.Other}
	sum := 0.0
	for _, x := range parts {
		if x < 0 {
			t.Errorf("negative phase in %+v", p)
		}
		sum += x
	}
	if p.GD <= 0 || p.Test <= 0 || p.HVP <= 0 || p.Total <= 0 || sum > p.Total*(1+1e-9) || sum < p.Total*(1-1e-9) {
		t.Errorf("phases %+v: parts sum to %g s of %g s", p, sum, p.Total)
	}
	if s := p.String(); !strings.Contains(s, "HVPs ("+strconv.Itoa(hvps)+")") {
		t.Errorf("breakdown line %q does not name the %d HVPs", s, hvps)
	}
}

// TestRunCountsGemmFlops checks a run's GEMM work against the products of
// its passes counted by hand: a GD-only run of a 16×16 fc net makes, per
// pass, the forward product and the weight gradient of each layer
// (2·N·in·out each) and the input gradient of every layer but the first.
func TestRunCountsGemmFlops(t *testing.T) {
	cfg := quickConfig(t)
	cfg.EigFreq, cfg.NEigs, cfg.TestFreq = 0, 0, 0
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	split, err := data.Load(cfg.Dataset, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	set := split.Train
	dims := []int{set.D, 16, 16, set.Outputs}
	var perPass int64
	for l := 1; l < len(dims); l++ {
		mac := int64(set.N) * int64(dims[l-1]) * int64(dims[l])
		perPass += 2 * 2 * mac
		if l > 1 {
			perPass += 2 * mac
		}
	}
	p := res.Phases
	if want := int64(p.GDPasses) * perPass; p.GemmFlops != want {
		t.Errorf("%d GD passes counted %d GEMM flops, want %d (%d a pass)", p.GDPasses, p.GemmFlops, want, perPass)
	}
	if s := p.String(); !strings.Contains(s, "GEMM work") {
		t.Errorf("breakdown line %q does not give the GEMM work", s)
	}
}
