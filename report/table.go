package report

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
)

// Table is a numeric CSV file read into memory: the header's column names
// and, per data row, one value per column, NaN where a cell is empty.
type Table struct {
	Columns []string
	Rows    [][]float64
}

// Index returns the position of the named column, or -1 if there is none.
func (t Table) Index(name string) int {
	for i, c := range t.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Column returns a copy of the named column's values, or nil if there is no
// such column.
func (t Table) Column(name string) []float64 {
	i := t.Index(name)
	if i < 0 {
		return nil
	}
	out := make([]float64, len(t.Rows))
	for r, row := range t.Rows {
		out[r] = row[i]
	}
	return out
}

// errNoHeader reports a CSV file without one complete line.
var errNoHeader = errors.New("no complete header line")

// readTable reads a numeric CSV file with a header line. A last line without
// its terminating newline is a torn row, the trace of a writer cut off (a
// full disk), and an error, as is every line without one cell per column,
// each empty or a number (NaN and ±Inf included).
func readTable(path string) (Table, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Table{}, fmt.Errorf("reading table: %w", err)
	}
	return parseTable(path, raw)
}

// parseTable is readTable on the contents raw of the file path.
func parseTable(path string, raw []byte) (Table, error) {
	end := bytes.LastIndexByte(raw, '\n')
	if end < 0 {
		return Table{}, fmt.Errorf("reading %s: %w", path, errNoHeader)
	}
	if end != len(raw)-1 {
		return Table{}, fmt.Errorf("reading %s: line %d is torn (no newline at its end: its writer was cut off); `eos run --resume` cuts it back",
			path, bytes.Count(raw, []byte{'\n'})+1)
	}
	lines := strings.Split(string(raw[:end]), "\n")
	var t Table
	for i, f := range strings.Split(strings.TrimSuffix(lines[0], "\r"), ",") {
		t.Columns = append(t.Columns, strings.TrimSpace(f))
		if t.Columns[i] == "" {
			return Table{}, fmt.Errorf("reading %s: header has an empty column name at position %d", path, i+1)
		}
	}
	for n, line := range lines[1:] {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		cells := strings.Split(line, ",")
		if len(cells) != len(t.Columns) {
			return Table{}, fmt.Errorf("reading %s: line %d has %d cells, header has %d", path, n+2, len(cells), len(t.Columns))
		}
		row := make([]float64, len(cells))
		for i, c := range cells {
			if c = strings.TrimSpace(c); c == "" {
				row[i] = math.NaN()
				continue
			}
			var err error
			if row[i], err = strconv.ParseFloat(c, 64); err != nil {
				return Table{}, fmt.Errorf("reading %s: line %d, column %s: %q is not a number", path, n+2, t.Columns[i], c)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t, nil
}
