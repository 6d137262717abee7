package data

import (
	"bytes"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// FuzzCIFARRecords feeds arbitrary bytes to the record-file reader: it must
// accept exactly the whole numbers of records with labels 0..9 and keep them.
func FuzzCIFARRecords(f *testing.F) {
	fx := newCIFARFixture(1, []int{2}, 0)
	fuzzseed.Add(f, fx.batches[0], fx.batches[0][:cifarRecord+5], []byte{}, append([]byte{10}, make([]byte, cifarRecord-1)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		var r cifarRecords
		stats := newPixelStats(cifarFeatures)
		n, err := r.appendFile("fuzz.bin", data, -1, stats)
		whole := len(data)%cifarRecord == 0
		labelsOK := true
		for i := 0; whole && i < len(data); i += cifarRecord {
			labelsOK = labelsOK && data[i] < cifarClasses
		}
		if (err == nil) != (whole && labelsOK) {
			t.Fatalf("%d bytes: err %v", len(data), err)
		}
		if err != nil {
			return
		}
		if n != len(data)/cifarRecord || len(r.labels) != n || len(r.pixels) != n*cifarFeatures {
			t.Fatalf("%d bytes: n %d, %d labels, %d pixels", len(data), n, len(r.labels), len(r.pixels))
		}
	})
}

// FuzzCIFARArchive feeds arbitrary bytes to the tar.gz reader: it may reject
// them, but never panic, and what it accepts must be consistent sets.
func FuzzCIFARArchive(f *testing.F) {
	good := newCIFARFixture(2, []int{1}, 1).archive(f)
	fuzzseed.Add(f, good, good[:len(good)/2], []byte("\x1f\x8b\x08\x00"), []byte("not an archive"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		split, err := readCIFARArchive(bytes.NewReader(raw), "fuzz.tar.gz", "cifar10", 0)
		if err != nil {
			return
		}
		for _, s := range []*Set{split.Train, split.Test} {
			if len(s.Pixels) != s.N*cifarFeatures || len(s.Labels) != s.N || len(s.Scale) != cifarFeatures {
				t.Fatalf("accepted set of %d examples with %d pixels, %d labels", s.N, len(s.Pixels), len(s.Labels))
			}
		}
	})
}
