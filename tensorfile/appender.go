package tensorfile

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// NPYAppender writes a 2-D float64 ('<f8') .npy file whose row count grows as
// rows are appended. The header is sized on creation for any row count and
// rewritten in place on Flush and Close, so the file is always a valid .npy
// file: a killed run leaves a readable file holding the rows up to the last
// Flush. An NPYAppender is not safe for concurrent use.
type NPYAppender struct {
	path       string
	f          *os.File
	w          *bufio.Writer
	cols, rows int
	headerLen  int
}

// CreateNPYAppender creates (or replaces) path as an empty rows × cols .npy
// file, the header already on disk, ready for Append.
func CreateNPYAppender(path string, cols int) (*NPYAppender, error) {
	if cols < 1 {
		return nil, fmt.Errorf("creating %s: need at least one column, got %d", path, cols)
	}
	widest := len(npyHeader("<f8", []int{math.MaxInt64, cols}, 0))
	header := npyHeader("<f8", []int{0, cols}, widest)
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	fail := func(err error) (*NPYAppender, error) {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	if _, err := f.Write(header); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fail(err)
	}
	return &NPYAppender{path: path, f: f, w: bufio.NewWriterSize(f, 1<<16), cols: cols, headerLen: widest}, nil
}

// Append adds one row, which must have exactly the appender's column count.
// The row reaches the file's recorded shape on the next Flush or Close.
func (a *NPYAppender) Append(row []float64) error {
	if a.f == nil {
		return fmt.Errorf("appending to %s: appender is closed", a.path)
	}
	if len(row) != a.cols {
		return fmt.Errorf("appending to %s: row has %d values, want %d", a.path, len(row), a.cols)
	}
	if err := writeFloats(a.w, 8, row); err != nil {
		return fmt.Errorf("appending to %s: %w", a.path, err)
	}
	a.rows++
	return nil
}

// Flush writes buffered rows, syncs them to disk, then rewrites the header
// with the current row count and syncs again, so the header never claims rows
// that are not durably stored.
func (a *NPYAppender) Flush() error {
	if a.f == nil {
		return fmt.Errorf("flushing %s: appender is closed", a.path)
	}
	if err := a.w.Flush(); err != nil {
		return fmt.Errorf("flushing %s: %w", a.path, err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", a.path, err)
	}
	if _, err := a.f.WriteAt(npyHeader("<f8", []int{a.rows, a.cols}, a.headerLen), 0); err != nil {
		return fmt.Errorf("updating header of %s: %w", a.path, err)
	}
	if err := a.f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", a.path, err)
	}
	return nil
}

// Rows is the number of rows appended (including those still buffered).
func (a *NPYAppender) Rows() int { return a.rows }

// Close flushes and closes the file. Closing twice is an error.
func (a *NPYAppender) Close() error {
	if a.f == nil {
		return fmt.Errorf("closing %s: appender is already closed", a.path)
	}
	ferr := a.Flush()
	cerr := a.f.Close()
	a.f = nil
	if ferr != nil {
		return ferr
	}
	if cerr != nil {
		return fmt.Errorf("closing %s: %w", a.path, cerr)
	}
	return nil
}

// OpenNPYAppender reopens an appender's file at path to go on appending
// after its first rows rows, which it keeps; rows beyond them (written after
// a checkpoint) are cut off and the header rewritten. The file must be a
// C-order '<f8' .npy file of cols columns holding at least rows rows.
func OpenNPYAppender(path string, cols, rows int) (*NPYAppender, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, fmt.Errorf("reopening %s: %w", path, err)
	}
	fail := func(format string, a ...any) (*NPYAppender, error) {
		f.Close()
		return nil, fmt.Errorf("reopening %s: %s", path, fmt.Sprintf(format, a...))
	}
	st, err := f.Stat()
	if err != nil {
		return fail("%v", err)
	}
	pre := make([]byte, min(st.Size(), 1<<17))
	if _, err := io.ReadFull(f, pre); err != nil {
		return fail("%v", err)
	}
	h, start, err := parseNPYPreamble(pre)
	if err != nil {
		return fail("%v", err)
	}
	if h.descr != "<f8" || h.fortran || len(h.shape) != 2 || h.shape[1] != cols {
		return fail("want a C-order <f8 array of %d columns, found %s %v", cols, h.descr, h.shape)
	}
	end := int64(start) + int64(rows)*int64(cols)*8
	if rows < 0 || h.shape[0] < rows || st.Size() < end {
		return fail("holds %d rows (%d bytes), want at least %d", h.shape[0], st.Size(), rows)
	}
	if err := f.Truncate(end); err != nil {
		return fail("%v", err)
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		return fail("%v", err)
	}
	a := &NPYAppender{path: path, f: f, w: bufio.NewWriterSize(f, 1<<16), cols: cols, rows: rows, headerLen: start}
	if err := a.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}
