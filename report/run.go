// Package report turns result directories written by eos runs into figures
// and comparisons: it loads a run's config, metrics, eigenvalues and
// projected iterates, plots one or more runs in the style of the paper's
// figures, and compares a gradient-descent run with a gradient-flow run at
// equal times.
package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"

	"github.com/edge-of-stability/eos/tensorfile"
)

// Run is one result directory read into memory.
type Run struct {
	// Dir is the directory the run was loaded from.
	Dir string
	// Config is config.json decoded (JSON numbers become float64).
	Config map[string]any
	// Kind is the config's "kind": "gd" or "flow".
	Kind string
	// Metrics is metrics.csv. GD columns: step, train_loss, train_acc,
	// test_loss, test_acc, elapsed_s, lr, threshold. Flow columns: tick,
	// time, train_loss, train_acc, test_loss, test_acc, elapsed_s, h.
	Metrics Table
	// Eigs is eigs.csv (no rows when the file is absent). GD columns: step,
	// lambda1…lambdaK, eta_lambda1, hvps, seconds. Flow columns: tick,
	// time, lambda1…lambdaK, hvps, seconds.
	Eigs Table
	// Iterates holds iterates.npy's rows (nil when the file is absent): row r
	// is the random projection of θ at step r·iterate_freq (GD) or at time
	// r·iterate_freq·tick (flow).
	Iterates [][]float64
	// EigProj is eigproj.csv (no rows when the file is absent). Columns: step
	// (tick), base_step (base_tick), proj1…projK, rest; see Windows.
	EigProj Table

	clock clock // GD only: step → time
}

// Load reads the result directory dir: config.json and metrics.csv are
// required, eigs.csv, eigproj.csv and iterates.npy optional. A last CSV line cut short by
// an interrupted run is ignored.
func Load(dir string) (*Run, error) {
	r := &Run{Dir: dir}
	cfgPath := filepath.Join(dir, "config.json")
	raw, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, fmt.Errorf("loading run: %w", err)
	}
	if err := json.Unmarshal(raw, &r.Config); err != nil {
		return nil, fmt.Errorf("loading run: parsing %s: %w", cfgPath, err)
	}
	r.Kind = r.Str("kind")
	key := map[string]string{"gd": "step", "flow": "tick"}[r.Kind]
	if key == "" {
		return nil, fmt.Errorf("loading run: %s: kind is %q, want \"gd\" or \"flow\"", cfgPath, r.Kind)
	}
	mPath := filepath.Join(dir, "metrics.csv")
	if r.Metrics, err = readTable(mPath); err != nil {
		return nil, fmt.Errorf("loading run: %w", err)
	}
	if err := requireColumns(r.Metrics, mPath, r.timeColumns(key, "train_loss")...); err != nil {
		return nil, err
	}
	if r.Eigs, err = readOptionalTable(filepath.Join(dir, "eigs.csv"), r.timeColumns(key, "lambda1")...); err != nil {
		return nil, err
	}
	if r.EigProj, err = readOptionalTable(filepath.Join(dir, "eigproj.csv"), key, "base_"+key, "proj1", "rest"); err != nil {
		return nil, err
	}
	iPath := filepath.Join(dir, "iterates.npy")
	switch shape, data, err := tensorfile.ReadNPY(iPath); {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("loading run: %w", err)
	case len(shape) != 2:
		return nil, fmt.Errorf("loading run: %s has shape %v, want (rows, P)", iPath, shape)
	default:
		for i := range shape[0] {
			r.Iterates = append(r.Iterates, data[i*shape[1]:(i+1)*shape[1]:(i+1)*shape[1]])
		}
	}
	if r.Kind == "gd" {
		r.clock = newClock(r.Metrics, r.Num("lr"))
	}
	return r, nil
}

// timeColumns lists the columns a table of this run's kind must have: the
// step or tick key, the flow's time, and extra.
func (r *Run) timeColumns(key string, extra ...string) []string {
	if r.Kind == "flow" {
		return append([]string{key, "time"}, extra...)
	}
	return append([]string{key}, extra...)
}

// readOptionalTable reads the CSV file at path, which a run may not have
// written (an empty Table then), and checks that it has the columns names.
func readOptionalTable(path string, names ...string) (Table, error) {
	t, err := readTable(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Table{}, nil
	case err != nil:
		return Table{}, fmt.Errorf("loading run: %w", err)
	}
	return t, requireColumns(t, path, names...)
}

// requireColumns checks that t, read from path, has every named column.
func requireColumns(t Table, path string, names ...string) error {
	for _, n := range names {
		if t.Index(n) < 0 {
			return fmt.Errorf("loading run: %s has no %q column (columns: %v)", path, n, t.Columns)
		}
	}
	return nil
}

// Str returns the config value key as a string ("" when absent; numbers and
// booleans formatted).
func (r *Run) Str(key string) string {
	switch v := r.Config[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

// Num returns the numeric config value key, or NaN when it is absent or not
// a number.
func (r *Run) Num(key string) float64 {
	if v, ok := r.Config[key].(float64); ok {
		return v
	}
	return math.NaN()
}

// TimeAtStep returns a GD run's time at step k, Σ_{j<k} lr_j, with lr_j read
// from metrics.csv's lr column (each logged value holding until the next
// logged step, the config's lr before the first) — k·η for constant η. It is
// NaN for flow runs and for GD runs that record no learning rate.
func (r *Run) TimeAtStep(k float64) float64 {
	if r.Kind != "gd" {
		return math.NaN()
	}
	return r.clock.at(k)
}
