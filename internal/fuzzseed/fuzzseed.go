// Package fuzzseed gives fuzz targets their seed inputs and keeps the seed
// corpora in testdata/fuzz/ in step with them: with EOS_WRITE_FUZZ_SEEDS=1,
// "go test -run '^Fuzz' ./..." rewrites every target's seed files.
package fuzzseed

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Add adds seeds to f's corpus and, when EOS_WRITE_FUZZ_SEEDS is set,
// writes them as testdata/fuzz/<target>/seed-NN in the corpus file format.
func Add[T string | []byte](f *testing.F, seeds ...T) {
	f.Helper()
	write := os.Getenv("EOS_WRITE_FUZZ_SEEDS") != ""
	dir := filepath.Join("testdata", "fuzz", f.Name())
	if write {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			f.Fatal(err)
		}
	}
	for i, s := range seeds {
		f.Add(s)
		if !write {
			continue
		}
		typ := "string"
		if _, ok := any(s).([]byte); ok {
			typ = "[]byte"
		}
		body := fmt.Sprintf("go test fuzz v1\n%s(%q)\n", typ, string(s))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
}
