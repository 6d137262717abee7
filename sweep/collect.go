package sweep

import (
	"cmp"
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

// ReadCollection reads a CSV file that WriteCSV wrote.
func ReadCollection(path string) (*Collection, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading the collection: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(rows) == 0 || !slices.Contains(rows[0], "run_id") {
		return nil, fmt.Errorf("reading %s: not a CSV written by eos collect (no run_id column)", path)
	}
	return &Collection{Columns: rows[0], Rows: rows[1:]}, nil
}

// column returns the index of the named column, or -1.
func (c *Collection) column(name string) int { return slices.Index(c.Columns, name) }

// Varying returns the columns among candidates whose value is not the same
// in every row, in the order of candidates.
func (c *Collection) Varying(candidates []string) []string {
	var out []string
	for _, name := range candidates {
		i := c.column(name)
		if i >= 0 && slices.ContainsFunc(c.Rows, func(r []string) bool { return r[i] != c.Rows[0][i] }) {
			out = append(out, name)
		}
	}
	return out
}

// Series returns the figure y against the setting x, one series per
// combination of the values of the by columns (in order of first
// appearance), each x holding the figures of every row there (the seeds).
func (c *Collection) Series(x, y string, by []string) ([]report.SweepSeries, error) {
	xi, yi := c.column(x), c.column(y)
	switch {
	case xi < 0:
		return nil, fmt.Errorf("no column %q to plot against (columns: %s)", x, strings.Join(c.Columns, ", "))
	case yi < 0:
		return nil, fmt.Errorf("no column %q to plot (columns: %s)", y, strings.Join(c.Columns, ", "))
	}
	var byIdx []int
	for _, b := range by {
		i := c.column(b)
		if i < 0 {
			return nil, fmt.Errorf("no column %q to group by", b)
		}
		byIdx = append(byIdx, i)
	}
	var series []report.SweepSeries
	var keys [][]string // each series' values of the by columns
	index := map[string]int{}
	for _, r := range c.Rows {
		xv, err := strconv.ParseFloat(r[xi], 64)
		if err != nil {
			return nil, fmt.Errorf("column %s: %q is not a number", x, r[xi])
		}
		yv := math.NaN()
		if r[yi] != "" {
			if yv, err = strconv.ParseFloat(r[yi], 64); err != nil {
				return nil, fmt.Errorf("column %s: %q is not a number", y, r[yi])
			}
		}
		var parts, key []string
		for k, i := range byIdx {
			parts = append(parts, by[k]+"="+r[i])
			key = append(key, r[i])
		}
		label := strings.Join(parts, " ")
		if label == "" {
			label = "all runs"
		}
		s, ok := index[label]
		if !ok {
			s = len(series)
			index[label] = s
			series = append(series, report.SweepSeries{Label: label})
			keys = append(keys, key)
		}
		ser := &series[s]
		j, found := slices.BinarySearch(ser.X, xv)
		if !found {
			ser.X = slices.Insert(ser.X, j, xv)
			ser.Y = slices.Insert(ser.Y, j, nil)
		}
		ser.Y[j] = append(ser.Y[j], yv)
	}
	order := make([]int, len(series))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return slices.CompareFunc(keys[a], keys[b], compareValues) })
	sorted := make([]report.SweepSeries, len(series))
	for i, k := range order {
		sorted[i] = series[k]
	}
	return sorted, nil
}

// compareValues orders two setting values, numerically when both are numbers.
func compareValues(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return strings.Compare(a, b)
}
