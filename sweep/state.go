package sweep

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/edge-of-stability/eos/internal/atomicfile"
)

// The layout of a sweep directory.
const (
	runsDir   = "runs"  // runs/<id>/: one run's spec.json, DONE and result tree
	locksDir  = "locks" // locks/<id>.lock: held (flock) by the task running <id>
	specFile  = "spec.json"
	doneFile  = "DONE"
	checkFile = "metrics.csv" // the file whose checksum DONE records
)

// RunDir returns the directory of run id in the sweep directory out.
func RunDir(out, id string) string { return filepath.Join(out, runsDir, id) }

// Runner carries out one run, writing its results under dir (which exists
// and is empty but for spec.json), and returns the directory holding the
// run's config.json and metrics.csv. It must return an error unless the run
// finished: an interrupted run is not done.
type Runner func(ctx context.Context, spec Spec, dir string) (resultDir string, err error)

// Outcome is what Do did with a run.
type Outcome int

// What Do did.
const (
	// Ran: the run was carried out now (Redone: over a half-done earlier attempt).
	Ran Outcome = iota
	Redone
	// Skipped: the run was already done.
	Skipped
	// Busy: another task holds the run's lock and is running it.
	Busy
)

func (o Outcome) String() string {
	return [...]string{"ran", "redone", "already done", "running elsewhere"}[o]
}

// marker is the DONE file: written last, atomically, once the run has
// finished, with the checksum of its metrics.
type marker struct {
	ID    string `json:"id"`
	Index int    `json:"index"`
	// Result is the run's result directory, relative to runs/<id>.
	Result string `json:"result"`
	// MetricsSHA256 is the checksum of Result/metrics.csv.
	MetricsSHA256 string `json:"metrics_sha256"`
	Finished      string `json:"finished"`
	Host          string `json:"host"`
}

// specRecord is spec.json: the run's settings, written before it starts.
type specRecord struct {
	ID       string            `json:"id"`
	Index    int               `json:"index"`
	Settings map[string]string `json:"settings"`
}

// Done reports whether the run in dir (runs/<id>) is finished: its DONE
// marker exists and the checksum it records matches the metrics on disk. It
// returns the run's result directory.
func Done(dir string) (resultDir string, ok bool) {
	raw, err := os.ReadFile(filepath.Join(dir, doneFile))
	if err != nil {
		return "", false
	}
	var m marker
	if json.Unmarshal(raw, &m) != nil || m.Result == "" || !filepath.IsLocal(m.Result) {
		return "", false
	}
	resultDir = filepath.Join(dir, m.Result)
	sum, err := fileSHA256(filepath.Join(resultDir, checkFile))
	if err != nil || sum != m.MetricsSHA256 {
		return "", false
	}
	return resultDir, true
}

// State names the state of run id in the sweep directory out: "done",
// "started" (running now, or left half-done by a killed task: it is redone
// when run again) or "pending". It takes no lock, so it never disturbs a
// task about to claim the run.
func State(out, id string) string {
	dir := RunDir(out, id)
	if _, ok := Done(dir); ok {
		return "done"
	}
	if _, err := os.Stat(dir); err == nil {
		return "started"
	}
	return "pending"
}

// Do carries out spec in the sweep directory out unless it is done or being
// run by another task. It holds the run's lock (an flock on
// locks/<id>.lock, released by the kernel if the task dies) for the whole
// run, so two tasks given the same run never write the same files: the
// second returns Busy at once. A run directory without a valid DONE marker
// is the remains of a killed or failed task and is deleted and redone from
// scratch. DONE is written last, atomically.
func Do(ctx context.Context, out string, spec Spec, run Runner) (Outcome, error) {
	for _, d := range []string{runsDir, locksDir} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return 0, fmt.Errorf("creating sweep directory: %w", err)
		}
	}
	unlock, err := tryLock(filepath.Join(out, locksDir, spec.ID+".lock"))
	if errors.Is(err, errLocked) {
		return Busy, nil
	}
	if err != nil {
		return 0, err
	}
	defer unlock()
	dir := RunDir(out, spec.ID)
	if _, ok := Done(dir); ok {
		return Skipped, nil
	}
	outcome := Ran
	switch _, err := os.Stat(dir); {
	case err == nil:
		outcome = Redone
		if err := os.RemoveAll(dir); err != nil {
			return 0, fmt.Errorf("removing the half-done run %s: %w", dir, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return 0, fmt.Errorf("run %s: %w", spec.ID, err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, fmt.Errorf("creating run directory: %w", err)
	}
	rec := specRecord{ID: spec.ID, Index: spec.Index, Settings: map[string]string{}}
	for _, s := range spec.Settings {
		rec.Settings[s.Key] = s.Value
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, specFile), rec); err != nil {
		return 0, err
	}
	resultDir, err := run(ctx, spec, dir)
	if err != nil {
		return 0, fmt.Errorf("run %d (%s): %w", spec.Index, spec.ID, err)
	}
	rel, err := filepath.Rel(dir, resultDir)
	if err != nil || !filepath.IsLocal(rel) {
		return 0, fmt.Errorf("run %d (%s): results in %s, outside its directory %s", spec.Index, spec.ID, resultDir, dir)
	}
	sum, err := fileSHA256(filepath.Join(resultDir, checkFile))
	if err != nil {
		return 0, fmt.Errorf("run %d (%s): %w", spec.Index, spec.ID, err)
	}
	host, _ := os.Hostname()
	m := marker{ID: spec.ID, Index: spec.Index, Result: rel, MetricsSHA256: sum, Finished: time.Now().UTC().Format(time.RFC3339), Host: host}
	if err := atomicfile.WriteJSON(filepath.Join(dir, doneFile), m); err != nil {
		return 0, err
	}
	return outcome, nil
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("checksum: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("checksum of %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
