package tensorfile

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// python runs a Python snippet with the first of $PYTHON, python3 on the
// PATH and /usr/bin/python3 that has module (a PATH python3 may be a
// virtualenv or pyenv shim without the system's packages), skipping the test
// when none has it.
func python(t *testing.T, module, script string, args ...string) string {
	t.Helper()
	var interp string
	for _, p := range []string{os.Getenv("PYTHON"), "python3", "/usr/bin/python3"} {
		if p != "" && exec.Command(p, "-c", "import "+module).Run() == nil {
			interp = p
			break
		}
	}
	if interp == "" {
		t.Skipf("cross-check skipped: no python3 with %s ($PYTHON, python3, /usr/bin/python3)", module)
	}
	out, err := exec.Command(interp, append([]string{"-c", script}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", interp, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestCrossCheckNumPy(t *testing.T) {
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.npy")
	if err := WriteNPY(ours, "<f4", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6.5}); err != nil {
		t.Fatal(err)
	}
	got := python(t, "numpy", `
import sys, numpy as np
a = np.load(sys.argv[1])
print(a.dtype.str, a.shape, a.ravel().tolist())
np.save(sys.argv[2], np.asfortranarray(np.arange(6, dtype='<f8').reshape(2, 3) / 4))
`, ours, filepath.Join(dir, "theirs.npy"))
	if want := "<f4 (2, 3) [1.0, 2.0, 3.0, 4.0, 5.0, 6.5]"; got != want {
		t.Errorf("numpy read %q, want %q", got, want)
	}
	shape, data, err := ReadNPY(filepath.Join(dir, "theirs.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(shape, []int{2, 3}) || !reflect.DeepEqual(data, []float64{0, 0.25, 0.5, 0.75, 1, 1.25}) {
		t.Errorf("read numpy's file as %v %v", shape, data)
	}
}

func TestCrossCheckSafetensors(t *testing.T) {
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.safetensors")
	err := WriteSafetensors(ours, []Tensor{
		{Name: "w", DType: "F32", Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4.5}},
		{Name: "b", DType: "F64", Shape: []int{3}, Data: []float64{-1, 0, 1}},
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	got := python(t, "safetensors.numpy", `
import sys, numpy as np
from safetensors.numpy import load_file, save_file
from safetensors import safe_open
t = load_file(sys.argv[1])
with safe_open(sys.argv[1], "np") as f:
    meta = f.metadata()
print(sorted((k, v.dtype.str, v.shape, v.ravel().tolist()) for k, v in t.items()), meta)
save_file({"x": np.array([[0.5, 1.5]], dtype=np.float32)}, sys.argv[2], metadata={"m": "n"})
`, ours, filepath.Join(dir, "theirs.safetensors"))
	want := "[('b', '<f8', (3,), [-1.0, 0.0, 1.0]), ('w', '<f4', (2, 2), [1.0, 2.0, 3.0, 4.5])] {'k': 'v'}"
	if got != want {
		t.Errorf("safetensors read %q, want %q", got, want)
	}
	ts, meta, err := ReadSafetensors(filepath.Join(dir, "theirs.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	wantTs := []Tensor{{Name: "x", DType: "F32", Shape: []int{1, 2}, Data: []float64{0.5, 1.5}}}
	if !reflect.DeepEqual(ts, wantTs) || !reflect.DeepEqual(meta, map[string]string{"m": "n"}) {
		t.Errorf("read safetensors' file as %+v %v", ts, meta)
	}
}
