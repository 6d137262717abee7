package tensorfile

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// npyBytes assembles a version 1.0 .npy file by hand: magic, version, the
// header length, the header text as given and the data.
func npyBytes(header string, data []byte) []byte {
	b := append([]byte("\x93NUMPY\x01\x00"), binary.LittleEndian.AppendUint16(nil, uint16(len(header)))...)
	b = append(b, header...)
	return append(b, data...)
}

// f64Bytes encodes values as little-endian float64 by hand.
func f64Bytes(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func TestNPYRoundTrip(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		dtype string
		shape []int
	}{
		{"<f8", []int{}},
		{"<f8", []int{5}},
		{"<f4", []int{3, 4}},
		{"<f8", []int{2, 3, 4}},
		{"<f8", []int{0, 7}},
	}
	for _, c := range cases {
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		data := make([]float64, n)
		for i := range data {
			data[i] = math.Sin(float64(i)+0.5) * math.Pow(10, float64(i%7-3))
		}
		path := filepath.Join(dir, "a.npy")
		if err := WriteNPY(path, c.dtype, c.shape, data); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(path)
		if hlen := int(binary.LittleEndian.Uint16(raw[8:])); (10+hlen)%64 != 0 || raw[9+hlen] != '\n' {
			t.Errorf("%v: preamble of %d bytes is not 64-aligned or not newline-terminated", c.shape, 10+hlen)
		}
		shape, got, err := ReadNPY(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(shape) != len(c.shape) || (len(shape) > 0 && !reflect.DeepEqual(shape, c.shape)) {
			t.Errorf("shape = %v, want %v", shape, c.shape)
		}
		for i, v := range data {
			if c.dtype == "<f4" {
				v = float64(float32(v))
			}
			if got[i] != v {
				t.Errorf("%v: [%d] = %v, want %v", c.shape, i, got[i], v)
			}
		}
	}
}

// TestNPYBytes compares the writer's output with files assembled by hand
// from the format description.
func TestNPYBytes(t *testing.T) {
	dir := t.TempDir()
	// 10-byte prefix + 59-byte dict + 58 spaces + newline = 128.
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }" + strings.Repeat(" ", 58) + "\n"
	want := npyBytes(header, f64Bytes(1, 2, 3, 4, 5, 6.5))
	path := filepath.Join(dir, "a.npy")
	if err := WriteNPY(path, "<f8", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6.5}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Errorf("file bytes\n%q\nwant\n%q", got, want)
	}
	// 10 + 57 + 60 spaces + newline = 128; float32 1 and -2.
	header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }" + strings.Repeat(" ", 60) + "\n"
	want = npyBytes(header, []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0})
	if err := WriteNPY(path, "<f4", []int{2}, []float64{1, -2}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Errorf("file bytes\n%q\nwant\n%q", got, want)
	}
}

// TestNPYReadVariants reads hand-made headers in forms NumPy and other
// writers produce: other key orders, minimal padding, Python 2 longs, Fortran
// order, version 2.0, trailing bytes after the data.
func TestNPYReadVariants(t *testing.T) {
	// 2×3×2 array with a[i][j][k] = 100i + 10j + k, stored column-major (i
	// fastest) and expected back row-major (k fastest).
	var fortranData, cOrder []float64
	for k := range 2 {
		for j := range 3 {
			for i := range 2 {
				fortranData = append(fortranData, float64(100*i+10*j+k))
			}
		}
	}
	for i := range 2 {
		for j := range 3 {
			for k := range 2 {
				cOrder = append(cOrder, float64(100*i+10*j+k))
			}
		}
	}
	v2Header := "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }\n"
	v2 := append([]byte("\x93NUMPY\x02\x00"), binary.LittleEndian.AppendUint32(nil, uint32(len(v2Header)))...)
	v2 = append(append(v2, v2Header...), f64Bytes(7, 8)...)
	cases := []struct {
		name  string
		file  []byte
		shape []int
		data  []float64
	}{
		{"fortran", npyBytes("{'fortran_order': True, 'shape': (2, 3, 2), 'descr': '<f8'}\n", f64Bytes(fortranData...)), []int{2, 3, 2}, cOrder},
		{"python 2 long", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2L,), }  \n", f64Bytes(1, 2)), []int{2}, []float64{1, 2}},
		{"version 2", v2, []int{1, 2}, []float64{7, 8}},
		{"trailing bytes", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }\n", f64Bytes(3, 4)), []int{1}, []float64{3}},
		{"scalar", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }\n", f64Bytes(5)), []int{}, []float64{5}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, "v.npy")
		if err := os.WriteFile(path, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		shape, data, err := ReadNPY(path)
		if err != nil || !reflect.DeepEqual(shape, c.shape) || !reflect.DeepEqual(data, c.data) {
			t.Errorf("%s: got %v %v %v, want %v %v", c.name, shape, data, err, c.shape, c.data)
		}
	}
}

func TestNPYReadErrors(t *testing.T) {
	good := "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n"
	cases := []struct {
		name, want string
		file       []byte
	}{
		{"no magic", "missing \\x93NUMPY magic", []byte("PK\x03\x04 not numpy at all")},
		{"version", "unsupported format version 4.0", append([]byte("\x93NUMPY\x04\x00"), 0, 0, 0, 0)},
		{"header cut", "truncated header", npyBytes(good, nil)[:30]},
		{"data cut", "truncated data", npyBytes(good, f64Bytes(1))},
		{"dtype", `unsupported dtype "<i8"`, npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", f64Bytes(1, 2))},
		{"big endian", `unsupported dtype ">f8"`, npyBytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }\n", f64Bytes(1, 2))},
		{"not a dict", "not a dict", npyBytes("['descr']\n", nil)},
		{"missing key", `missing key "shape"`, npyBytes("{'descr': '<f8', 'fortran_order': False}\n", nil)},
		{"unknown key", `unexpected key "order"`, npyBytes("{'descr': '<f8', 'order': 1}\n", nil)},
		{"duplicate key", `duplicate key "descr"`, npyBytes("{'descr': '<f8', 'descr': '<f8'}\n", nil)},
		{"bad bool", "expected True or False", npyBytes("{'fortran_order': 0}\n", nil)},
		{"bad shape", "bad dimension", npyBytes("{'shape': (2, x)}\n", nil)},
		{"unterminated", "unterminated string", npyBytes("{'descr\n", nil)},
		{"text after", "unexpected text after", npyBytes(good[:len(good)-1]+" junk\n", nil)},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".npy")
		if err := os.WriteFile(path, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _, err := ReadNPY(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error = %v, want one naming %s and containing %q", c.name, err, path, c.want)
		}
	}
}

func TestNPYWriteErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.npy")
	for _, c := range []struct {
		dtype string
		shape []int
		data  []float64
		want  string
	}{
		{"<i4", []int{1}, []float64{1}, `unsupported dtype "<i4"`},
		{"<f8", []int{2, 2}, []float64{1, 2, 3}, "needs 4 values, have 3"},
		{"<f8", []int{-1}, nil, "negative dimension"},
	} {
		err := WriteNPY(path, c.dtype, c.shape, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("WriteNPY(%s, %v) error = %v, want one containing %q", c.dtype, c.shape, err, c.want)
		}
		if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
			t.Errorf("failed write left %s behind", path)
		}
	}
}
