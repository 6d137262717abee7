package tensorfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readRows reads path with ReadNPY and checks it is rows × cols.
func readRows(t *testing.T, path string, rows, cols int) []float64 {
	t.Helper()
	shape, data, err := ReadNPY(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shape, []int{rows, cols}) {
		t.Fatalf("shape = %v, want [%d %d]", shape, rows, cols)
	}
	return data
}

func TestNPYAppender(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iterates.npy")
	const cols = 3
	a, err := CreateNPYAppender(path, cols)
	if err != nil {
		t.Fatal(err)
	}
	readRows(t, path, 0, cols) // readable before anything is appended
	info, _ := os.Stat(path)
	headerSize := info.Size()
	if headerSize%64 != 0 {
		t.Errorf("header of %d bytes is not 64-aligned", headerSize)
	}

	var want []float64
	row := func(r int) []float64 { return []float64{float64(r), -float64(r) / 3, 1e10 + float64(r)} }
	for r := range 5 {
		if err := a.Append(row(r)); err != nil {
			t.Fatal(err)
		}
		want = append(want, row(r)...)
	}
	if err := a.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := readRows(t, path, 5, cols); !reflect.DeepEqual(got, want) {
		t.Errorf("after Flush: %v, want %v", got, want)
	}

	// Rows appended after the last Flush and spilled to disk by buffering
	// (as when a run is killed) are not yet part of the recorded shape.
	for r := 5; r < 5000; r++ {
		if err := a.Append(row(r)); err != nil {
			t.Fatal(err)
		}
	}
	if info, _ := os.Stat(path); info.Size() <= headerSize+5*cols*8 {
		t.Fatalf("test needs unflushed rows on disk; file has %d bytes", info.Size())
	}
	if got := readRows(t, path, 5, cols); !reflect.DeepEqual(got, want) {
		t.Errorf("with unflushed rows: %v, want %v", got, want)
	}

	for r := 5; r < 5000; r++ {
		want = append(want, row(r)...)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readRows(t, path, 5000, cols); !reflect.DeepEqual(got, want) {
		t.Error("after Close: rows differ")
	}
	if info, _ := os.Stat(path); info.Size() != headerSize+5000*cols*8 {
		t.Errorf("file has %d bytes, want header %d + data %d", info.Size(), headerSize, 5000*cols*8)
	}
	if err := a.Append(row(0)); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("Append after Close: error = %v", err)
	}
	if err := a.Close(); err == nil {
		t.Error("second Close: no error")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file", len(entries))
	}
}

func TestNPYAppenderErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateNPYAppender(filepath.Join(dir, "a.npy"), 0); err == nil {
		t.Error("zero columns: no error")
	}
	if _, err := CreateNPYAppender(filepath.Join(dir, "no", "such", "a.npy"), 2); err == nil || !strings.Contains(err.Error(), "a.npy") {
		t.Errorf("missing directory: error = %v", err)
	}
	a, err := CreateNPYAppender(filepath.Join(dir, "b.npy"), 2)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Append([]float64{1, 2, 3}); err == nil || !strings.Contains(err.Error(), "row has 3 values, want 2") {
		t.Errorf("wrong row length: error = %v", err)
	}
}

func TestOpenNPYAppenderCutsBackAndGoesOn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "iterates.npy")
	row := func(r int) []float64 { return []float64{float64(r), 1 / float64(r+1)} }
	a, err := CreateNPYAppender(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	for r := range 5 {
		if err := a.Append(row(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen after 3 rows, as a resume from a checkpoint at row 3 does, and append two different rows.
	b, err := OpenNPYAppender(path, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	readRows(t, path, 3, 2)
	for r := 10; r < 12; r++ {
		if err := b.Append(row(r)); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	got := readRows(t, path, 5, 2)
	var want []float64
	for _, r := range []int{0, 1, 2, 10, 11} {
		want = append(want, row(r)...)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after reopening: %v, want %v", got, want)
	}
	if info, _ := os.Stat(path); info.Size() != 64*((info.Size()-5*16)/64)+5*16 {
		t.Errorf("file of %d bytes has bytes beyond its 5 rows", info.Size())
	}
	for _, c := range []struct{ cols, rows int }{{3, 2}, {2, 6}, {2, -1}} {
		if _, err := OpenNPYAppender(path, c.cols, c.rows); err == nil {
			t.Errorf("OpenNPYAppender(cols %d, rows %d) of a 5×2 file: no error", c.cols, c.rows)
		}
	}
	if _, err := OpenNPYAppender(filepath.Join(t.TempDir(), "none.npy"), 2, 0); err == nil {
		t.Error("OpenNPYAppender of a missing file: no error")
	}
}
