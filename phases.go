package eos

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/edge-of-stability/eos/internal/atomicfile"
	"github.com/edge-of-stability/eos/linalg"
)

// Phases is where a run's wall time went, in seconds, with the pass counts.
// The sharpness solves are split into the linearisation at the new weights,
// the HVPs and the solver's own arithmetic (the solve's time outside its
// HVPs); Other is the rest of the run: loading the data, building the model,
// logs, snapshots, checkpoints and weight files.
type Phases struct {
	Total     float64 `json:"total_s"`
	GD        float64 `json:"gd_s"`        // training passes (loss and gradient)
	GDPasses  int     `json:"gd_passes"`   // their number
	Test      float64 `json:"test_s"`      // test-set passes
	Linearize float64 `json:"linearize_s"` // HVP linearisations, one per solve
	HVP       float64 `json:"hvp_s"`       // HVPs, conversions to and from float64 included
	HVPs      int     `json:"hvps"`        // their number
	Solver    float64 `json:"solver_s"`    // eigen-solver arithmetic outside the HVPs
	Solves    int     `json:"solves"`      // eigen-solves
	Other     float64 `json:"other_s"`     // setup, I/O and the rest
	// GemmFlops is the run's matrix-product work, 2·m·n·k per product (the
	// passes' arithmetic but for their epilogues and pointwise loops); 0
	// when another run shared the process, whose products cannot be told
	// apart.
	GemmFlops int64 `json:"gemm_flops"`
}

// String is the one-line breakdown the CLI prints at the end of a run.
func (p Phases) String() string {
	part := func(name string, s float64) string {
		pc := 0.0
		if p.Total > 0 {
			pc = 100 * s / p.Total
		}
		return fmt.Sprintf("%s %.1f s (%.0f%%)", name, s, pc)
	}
	parts := []string{
		part(fmt.Sprintf("GD passes (%d)", p.GDPasses), p.GD),
		part("test passes", p.Test),
		part(fmt.Sprintf("linearisation (%d)", p.Solves), p.Linearize),
		part(fmt.Sprintf("HVPs (%d)", p.HVPs), p.HVP),
		part("solver", p.Solver),
		part("setup and I/O", p.Other),
	}
	line := fmt.Sprintf("time %.1f s: %s", p.Total, strings.Join(parts, ", "))
	if p.GemmFlops > 0 && p.Total > 0 {
		line += fmt.Sprintf("; GEMM work %.3g TFLOP, %.0f GFLOP/s over the run", float64(p.GemmFlops)/1e12, float64(p.GemmFlops)/p.Total/1e9)
	}
	return line
}

// runsActive counts the runs in progress in this process and runsStarted
// every run begun, so that a run can tell whether the process-wide GEMM
// count moved for it alone.
var runsActive, runsStarted atomic.Int64

// flopWindow is a run's view of the process-wide GEMM count.
type flopWindow struct {
	started, flops int64
	alone          bool
}

// openFlopWindow marks a run begun.
func openFlopWindow() flopWindow {
	alone := runsActive.Add(1) == 1
	return flopWindow{started: runsStarted.Add(1), flops: linalg.GemmFlops(), alone: alone}
}

// close marks the run ended and returns the GEMM work since openFlopWindow,
// or 0 when another run was in progress at any time in between.
func (w flopWindow) close() int64 {
	flops := linalg.GemmFlops() - w.flops
	runsActive.Add(-1)
	if !w.alone || runsStarted.Load() != w.started {
		return 0
	}
	return flops
}

// timed adds the seconds f takes to *acc.
func timed(acc *float64, f func()) {
	start := time.Now()
	f()
	*acc += time.Since(start).Seconds()
}

// finish closes the breakdown at the run's elapsed time (a resumed run
// counts only its own part in the phases, and the rest as Other).
func (p *Phases) finish(elapsed float64) {
	p.Total = elapsed
	p.Other = max(0, elapsed-p.GD-p.Test-p.Linearize-p.HVP-p.Solver)
}

// recordPhases adds the breakdown to the run's config.json as "phases",
// keeping every other field as written.
func recordPhases(dir string, p Phases) error {
	path := filepath.Join(dir, "config.json")
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("recording the time breakdown: %w", err)
	}
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(b, &rec); err != nil {
		return fmt.Errorf("recording the time breakdown in %s: %w", path, err)
	}
	raw, err := json.MarshalIndent(p, "  ", "  ")
	if err != nil {
		return fmt.Errorf("recording the time breakdown: %w", err)
	}
	if _, ok := rec["phases"]; ok { // a resumed run replaces its earlier part's
		rec["phases"] = raw
		return writeJSON(path, rec)
	}
	// Appended as the last field, so the others keep their order.
	end := bytes.LastIndexByte(b, '}')
	out := slices.Concat(bytes.TrimRight(b[:end], " \n"), []byte(",\n  \"phases\": "), raw, []byte("\n}\n"))
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(out)
		return err
	})
}
