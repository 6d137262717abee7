package eos

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

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

// pyFloat formats x as Python's str(float) does (0.04 -> "0.04", 1 ->
// "1.0", 1e12 -> "1000000000000.0", 1e-05 -> "1e-05"), so directory names
// match the reference's.
func pyFloat(x float64) string {
	s := strconv.FormatFloat(x, 'e', -1, 64)
	if a := math.Abs(x); a == 0 || a >= 1e-4 && a < 1e16 {
		s = strconv.FormatFloat(x, 'f', -1, 64)
	}
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
			if _, err := os.Stat(filepath.Join(dir, CheckpointName)); err == nil {
				return settingError{fmt.Errorf("results already exist in %s, with a checkpoint (--resume %s continues that run, --overwrite replaces it)", dir, dir)}
			}
			return settingError{fmt.Errorf("results already exist in %s (pass --overwrite to replace them, or choose another --results)", dir)}
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

// checkInitFromKept refuses --overwrite when the --init-from file lies
// inside the run directory it would delete.
func checkInitFromKept(cfg Config, dir string) error {
	if !cfg.Overwrite || cfg.InitFrom == "" {
		return nil
	}
	init, err1 := filepath.Abs(cfg.InitFrom)
	run, err2 := filepath.Abs(dir)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("--init-from: %w", err)
	}
	if rel, err := filepath.Rel(run, init); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return settingError{fmt.Errorf("--init-from %s lies inside %s, which --overwrite would delete: copy it elsewhere first", cfg.InitFrom, dir)}
	}
	return nil
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error { return atomicfile.WriteJSON(path, v) }

// readJSON decodes the JSON file path into v.
func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading run settings: %w", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// status is status.json: how the run ended, or that it is running (which a
// killed run leaves behind).
type status struct {
	// State is "running", "finished", "interrupted", "diverged" or "failed".
	State string `json:"state"`
	// Reason is what finished the run (max-steps, max-time, acc-goal, loss-goal) or interrupted it (e.g. SIGTERM).
	Reason string `json:"reason,omitempty"`
	// Unit is "step" (GD) or "tick" (flow); Step the updates made or ticks recorded (interrupted: where a resumed
	// run goes on; diverged: the row where the loss or gradient stopped being finite).
	Unit string `json:"unit"`
	Step int    `json:"step"`
	// Loss is the training loss at a divergence; Error the failure's message.
	Loss  string `json:"loss,omitempty"`
	Error string `json:"error,omitempty"`
	// Checkpoint is the checkpoint file left in the directory, if any.
	Checkpoint string `json:"checkpoint,omitempty"`
	Updated    string `json:"updated"`
}

// writeStatus writes dir/status.json atomically.
func writeStatus(dir string, st status) error {
	st.Updated = time.Now().UTC().Format(time.RFC3339)
	return writeJSON(filepath.Join(dir, "status.json"), st)
}

// csvLog is a CSV file that is appended to row by row, each row written
// whole with one call, so a killed run leaves every completed row readable;
// a failed write is cut back to the last whole row.
type csvLog struct {
	f    *os.File
	size int64
}

func createCSV(path string, header []string) (*csvLog, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	l := &csvLog{f: f}
	if err := l.row(header); err != nil {
		f.Close()
		return nil, err
	}
	return l, nil
}

// reopenCSV opens a log created with header to go on appending after its
// first size bytes, cutting off what follows.
func reopenCSV(path string, header []string, size int64) (*csvLog, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("reopening log: %w", err)
	}
	fail := func(format string, a ...any) (*csvLog, error) {
		f.Close()
		return nil, fmt.Errorf("reopening %s: %s", path, fmt.Sprintf(format, a...))
	}
	want := strings.Join(header, ",") + "\n"
	got := make([]byte, len(want))
	if _, err := io.ReadFull(f, got); err != nil || string(got) != want {
		return fail("it does not start with the header %q", strings.TrimSpace(want))
	}
	st, err := f.Stat()
	if err != nil {
		return fail("%v", err)
	}
	if st.Size() < size || size < int64(len(want)) {
		return fail("it has %d bytes, the checkpoint needs %d", st.Size(), size)
	}
	if err := f.Truncate(size); err != nil {
		return fail("%v", err)
	}
	if _, err := f.Seek(size, io.SeekStart); err != nil {
		return fail("%v", err)
	}
	return &csvLog{f: f, size: size}, nil
}

func (l *csvLog) row(cells []string) error {
	line := strings.Join(cells, ",") + "\n"
	if _, err := l.f.WriteString(line); err != nil {
		l.f.Truncate(l.size) // best effort: a torn row would look like data
		if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
			err = pe.Err // the path is named once
		}
		return fmt.Errorf("writing %s: %w", l.f.Name(), err)
	}
	l.size += int64(len(line))
	return nil
}

// sync makes the rows durable and returns the file's length (0 for no log).
func (l *csvLog) sync() (int64, error) {
	if l == nil {
		return 0, nil
	}
	if err := l.f.Sync(); err != nil {
		return 0, fmt.Errorf("syncing %s: %w", l.f.Name(), err)
	}
	return l.size, nil
}

func (l *csvLog) close() error {
	if l == nil {
		return nil
	}
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", l.f.Name(), err)
	}
	return nil
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
