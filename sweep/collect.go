package sweep

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/report"
)

// Collection is the tidy table eos collect writes: one row a run, one column
// a setting or a figure.
type Collection struct {
	// Columns are run_id, dir, the settings and report.SummaryColumns.
	Columns []string
	Rows    [][]string
	// Unfinished lists sweep runs left out because they have no valid DONE marker.
	Unfinished []string
}

// Collect finds every run under dirs (each a run directory, a sweep
// directory or any tree of them) and joins its settings — the config.json
// values of the keys in settings that any run has — and its report.Summarize
// figures into one row. Runs of a sweep count only once done; the others are
// listed in Unfinished. run_id is the sweep's run id (empty for runs made by
// eos run). Rows are sorted by directory.
func Collect(dirs []string, settings []string) (*Collection, error) {
	type found struct {
		id, dir string
		cfg     map[string]any
		figures []float64
	}
	var runs []found
	c := &Collection{}
	seen := map[string]bool{}
	for _, root := range dirs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || d.Name() != "config.json" {
				return nil
			}
			dir := filepath.Dir(path)
			abs, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			if seen[abs] {
				return nil
			}
			seen[abs] = true
			id := ""
			if runDir := sweepRunOf(dir); runDir != "" {
				if res, ok := Done(runDir); !ok || !sameDir(res, dir) {
					c.Unfinished = append(c.Unfinished, dir)
					return nil
				}
				id = filepath.Base(runDir)
			}
			r, err := report.Load(dir)
			if err != nil {
				return fmt.Errorf("collecting: %w", err)
			}
			runs = append(runs, found{id: id, dir: dir, cfg: r.Config, figures: report.Summarize(r)})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("collecting %s: %w", root, err)
		}
	}
	slices.SortFunc(runs, func(a, b found) int { return strings.Compare(a.dir, b.dir) })
	var keys []string
	for _, k := range settings {
		if slices.ContainsFunc(runs, func(f found) bool { _, ok := f.cfg[k]; return ok }) {
			keys = append(keys, k)
		}
	}
	c.Columns = append(append([]string{"run_id", "dir"}, keys...), report.SummaryColumns...)
	for _, f := range runs {
		row := []string{f.id, f.dir}
		for _, k := range keys {
			row = append(row, cell(f.cfg[k]))
		}
		for _, v := range f.figures {
			if math.IsNaN(v) {
				row = append(row, "")
			} else {
				row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
		c.Rows = append(c.Rows, row)
	}
	return c, nil
}

// sweepRunOf returns the sweep run directory runs/<id>/ (one holding
// spec.json) that the result directory dir lies in, or "" for a run made by
// eos run.
func sweepRunOf(dir string) string {
	for d := filepath.Clean(dir); ; {
		if _, err := os.Stat(filepath.Join(d, specFile)); err == nil && filepath.Base(filepath.Dir(d)) == runsDir {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	x, err1 := os.Stat(a)
	y, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(x, y)
}

// cell formats a config.json value for the CSV: numbers as Go formats them
// shortest, lists of numbers comma-joined (widths 200,200), anything else as
// JSON.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			f, ok := e.(float64)
			if !ok {
				b, _ := json.Marshal(x)
				return string(b)
			}
			parts[i] = strconv.FormatFloat(f, 'g', -1, 64)
		}
		return strings.Join(parts, ",")
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

// WriteCSV writes the collection as CSV with a header line.
func (c *Collection) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(c.Columns)
	cw.WriteAll(c.Rows)
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing the collection: %w", err)
	}
	return nil
}
