package eos

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/internal/atomicfile"
)

// RunDir is the results directory of cfg, following the reference's scheme:
// <results>/<dataset>/<arch>/seed_<s>/<loss>/<opt>/lr_<lr>[_beta_<β>] for GD
// and <results>/<dataset>/<arch>/seed_<s>/<loss>/flow/tick_<tick> for flow.
func RunDir(cfg Config) string {
	base := filepath.Join(cfg.Results, cfg.Dataset, cfg.Arch, "seed_"+strconv.FormatUint(cfg.Seed, 10), cfg.Loss, cfg.Opt)
	switch cfg.Opt {
	case "flow":
		return filepath.Join(base, "tick_"+pyFloat(cfg.Tick))
	case "gd":
		return filepath.Join(base, "lr_"+pyFloat(cfg.LR))
	default:
		return filepath.Join(base, "lr_"+pyFloat(cfg.LR)+"_beta_"+pyFloat(cfg.Beta))
	}
}

// pyFloat formats x as Python's str(float) does for the values users type
// (0.04 -> "0.04", 1 -> "1.0"), so directory names match the reference's.
func pyFloat(x float64) string {
	s := strconv.FormatFloat(x, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// prepareDir creates the run directory. An existing run is replaced only
// when overwrite is set, so earlier results are never lost by accident.
func prepareDir(dir string, overwrite bool) error {
	if _, err := os.Stat(filepath.Join(dir, "config.json")); err == nil {
		if !overwrite {
			return fmt.Errorf("results already exist in %s (pass --overwrite to replace them, or choose another --results)", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing old results: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating results directory: %w", err)
	}
	return nil
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error { return atomicfile.WriteJSON(path, v) }

// csvLog is a CSV file that is appended to and flushed row by row, so a
// killed run leaves every completed row readable.
type csvLog struct {
	f *os.File
	w *bufio.Writer
}

func createCSV(path string, header []string) (*csvLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	l := &csvLog{f: f, w: bufio.NewWriter(f)}
	if err := l.row(header); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

func (l *csvLog) row(cells []string) error {
	l.w.WriteString(strings.Join(cells, ","))
	l.w.WriteByte('\n')
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", l.f.Name(), err)
	}
	return nil
}

func (l *csvLog) close() error {
	if l == nil {
		return nil
	}
	if err := l.w.Flush(); err != nil {
		l.f.Close()
		return fmt.Errorf("writing %s: %w", l.f.Name(), err)
	}
	return l.f.Close()
}

// num formats a measured value (NaN and Inf included, as "NaN", "+Inf").
func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// optional formats a value that may be absent (NaN) as an empty cell.
func optional(x float64) string {
	if math.IsNaN(x) {
		return ""
	}
	return num(x)
}

// mkdir creates dir and its parents.
func mkdir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	return nil
}
