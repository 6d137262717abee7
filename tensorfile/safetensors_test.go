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

// safetensorsBytes assembles a safetensors file by hand from its parts: the
// header length, the header text as given (no padding added) and the data.
func safetensorsBytes(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestSafetensorsRoundTrip(t *testing.T) {
	in := []Tensor{
		{Name: "layer.0.weight", DType: "F32", Shape: []int{2, 3}, Data: []float64{1, -2.5, 3.25, 0, 1e-3, -7}},
		{Name: "scalar", DType: "F64", Shape: []int{}, Data: []float64{math.Pi}},
		{Name: "empty", DType: "F32", Shape: []int{0, 4}, Data: []float64{}},
		{Name: "b", DType: "F64", Shape: []int{4}, Data: []float64{math.Inf(1), -0.1, 1e300, math.SmallestNonzeroFloat64}},
	}
	meta := map[string]string{"format": "pt", "step": "120", "note": `quote " and \ backslash`}
	path := filepath.Join(t.TempDir(), "w.safetensors")
	if err := WriteSafetensors(path, in, meta); err != nil {
		t.Fatal(err)
	}
	out, gotMeta, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotMeta, meta) {
		t.Errorf("metadata = %v, want %v", gotMeta, meta)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d tensors, want %d", len(out), len(in))
	}
	for i, want := range in {
		got := out[i]
		if got.Name != want.Name || got.DType != want.DType || !reflect.DeepEqual(got.Shape, want.Shape) {
			t.Errorf("tensor %d = %s %s %v, want %s %s %v", i, got.Name, got.DType, got.Shape, want.Name, want.DType, want.Shape)
		}
		for j, v := range want.Data {
			if want.DType == "F32" {
				v = float64(float32(v))
			}
			if got.Data[j] != v {
				t.Errorf("%s[%d] = %v, want %v", want.Name, j, got.Data[j], v)
			}
		}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(raw); n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries after writing, want only the file", len(entries))
	}
}

func TestSafetensorsNoMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	if err := WriteSafetensors(path, []Tensor{{Name: "x", DType: "F64", Shape: []int{1}, Data: []float64{2}}}, nil); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(metadataKey)) {
		t.Errorf("file without metadata has a %s entry", metadataKey)
	}
	if _, meta, err := ReadSafetensors(path); err != nil || meta != nil {
		t.Errorf("ReadSafetensors = %v, %v; want nil metadata, no error", meta, err)
	}
}

// TestSafetensorsBytes compares the writer's output with a file assembled by
// hand from the format description.
func TestSafetensorsBytes(t *testing.T) {
	header := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}` + " " // 79+1 = 80 bytes
	data := []byte{0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0}                                    // float32 1, -2
	want := safetensorsBytes(header, data)
	path := filepath.Join(t.TempDir(), "a.safetensors")
	if err := WriteSafetensors(path, []Tensor{{Name: "a", DType: "F32", Shape: []int{2}, Data: []float64{1, -2}}}, map[string]string{"k": "v"}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, want) {
		t.Errorf("file bytes\n%q\nwant\n%q", got, want)
	}

	// A hand-made file whose header lists tensors out of data order is read in
	// data order.
	header = `{"b":{"dtype":"F64","shape":[],"data_offsets":[8,16]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}` + "     " // 107+5
	data = append(data, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f)                                                                                // float64 1.5
	if err := os.WriteFile(path, safetensorsBytes(header, data), 0o644); err != nil {
		t.Fatal(err)
	}
	ts, _, err := ReadSafetensors(path)
	if err != nil {
		t.Fatal(err)
	}
	wantTs := []Tensor{
		{Name: "a", DType: "F32", Shape: []int{2}, Data: []float64{1, -2}},
		{Name: "b", DType: "F64", Shape: []int{}, Data: []float64{1.5}},
	}
	if !reflect.DeepEqual(ts, wantTs) {
		t.Errorf("read %+v, want %+v", ts, wantTs)
	}
}

func TestSafetensorsReadErrors(t *testing.T) {
	f32x2 := []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0}
	entry := func(name, dtype, shape, offsets string) string {
		return `"` + name + `":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offsets + `}`
	}
	hugeLen := binary.LittleEndian.AppendUint64(nil, 200_000_000)
	cases := []struct {
		name, want string
		file       []byte
	}{
		{"empty file", "truncated file", nil},
		{"short length", "truncated file", []byte{8, 0, 0}},
		{"header too large", "header too large", append(hugeLen, "{}"...)},
		{"header past end", "truncated file", safetensorsBytes(`{"a":1}`, nil)[:12]},
		{"bad JSON", "bad JSON header", safetensorsBytes(`{"a":{"dtype":"F32",`, nil)},
		{"not an object", "bad JSON header", safetensorsBytes(`[1,2]   `, nil)},
		{"trailing garbage", "bad JSON header", safetensorsBytes(`{} x`, nil)},
		{"missing field", "needs dtype, shape and data_offsets", safetensorsBytes(`{"a":{"dtype":"F32","shape":[2]}}`, f32x2)},
		{"unsupported dtype", `unsupported dtype "BF16"`, safetensorsBytes("{"+entry("a", "BF16", "[4]", "[0,8]")+"}", f32x2)},
		{"negative offset", "out of range", safetensorsBytes("{"+entry("a", "F32", "[2]", "[-8,0]")+"}", f32x2)},
		{"reversed offsets", "out of range", safetensorsBytes("{"+entry("a", "F32", "[0]", "[8,0]")+"}", f32x2)},
		{"three offsets", "out of range", safetensorsBytes("{"+entry("a", "F32", "[2]", "[0,8,8]")+"}", f32x2)},
		{"offsets past data", "out of range", safetensorsBytes("{"+entry("a", "F32", "[4]", "[0,16]")+"}", f32x2)},
		{"overlap", "overlap", safetensorsBytes("{"+entry("a", "F32", "[2]", "[0,8]")+","+entry("b", "F32", "[1]", "[4,8]")+"}", f32x2)},
		{"gap", "gap", safetensorsBytes("{"+entry("a", "F32", "[1]", "[4,8]")+"}", f32x2)},
		{"trailing data", "cover only", safetensorsBytes("{"+entry("a", "F32", "[1]", "[0,4]")+"}", f32x2)},
		{"shape mismatch", "shape [3] × F32 size 4 = 12 bytes", safetensorsBytes("{"+entry("a", "F32", "[3]", "[0,8]")+"}", f32x2)},
		{"negative dimension", "negative dimension", safetensorsBytes("{"+entry("a", "F32", "[-2]", "[0,8]")+"}", f32x2)},
		{"duplicate names", `duplicate name "a"`, safetensorsBytes("{"+entry("a", "F32", "[1]", "[0,4]")+","+entry("a", "F32", "[1]", "[4,8]")+"}", f32x2)},
		{"bad metadata", "must map strings to strings", safetensorsBytes(`{"__metadata__":{"k":1}}`, nil)},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_"))
			if err := os.WriteFile(path, c.file, 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadSafetensors(path)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error = %v, want one naming %s and containing %q", err, path, c.want)
			}
		})
	}
	if _, _, err := ReadSafetensors(filepath.Join(dir, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: error = %v", err)
	}
}

func TestSafetensorsWriteErrors(t *testing.T) {
	ok := Tensor{Name: "a", DType: "F32", Shape: []int{1}, Data: []float64{1}}
	cases := []struct {
		name, want string
		tensors    []Tensor
	}{
		{"duplicate", `duplicate tensor name "a"`, []Tensor{ok, ok}},
		{"empty name", "invalid name", []Tensor{{DType: "F32", Shape: []int{1}, Data: []float64{1}}}},
		{"reserved name", "invalid name", []Tensor{{Name: metadataKey, DType: "F32", Shape: []int{1}, Data: []float64{1}}}},
		{"dtype", `unsupported dtype "I32"`, []Tensor{{Name: "a", DType: "I32", Shape: []int{1}, Data: []float64{1}}}},
		{"length", "needs 2 values, have 1", []Tensor{{Name: "a", DType: "F64", Shape: []int{2}, Data: []float64{1}}}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		err := WriteSafetensors(path, c.tensors, nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error = %v, want one containing %q", c.name, err, c.want)
		}
		if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
			t.Errorf("%s: failed write left a file behind", c.name)
		}
	}
}
