package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// cifarFixture is a small made-up CIFAR-10 copy: raw record files by name.
type cifarFixture struct {
	batches [][]byte // data_batch_1.bin, data_batch_2.bin, … contents
	test    []byte   // test_batch.bin contents
}

// newCIFARFixture makes batches of the given record counts and a test batch
// of testRecords records, with pseudo-random pixels and labels.
func newCIFARFixture(seed uint64, batchRecords []int, testRecords int) cifarFixture {
	r := rand.New(rand.NewPCG(seed, 99))
	records := func(n int) []byte {
		b := make([]byte, n*cifarRecord)
		for i := range n {
			rec := b[i*cifarRecord : (i+1)*cifarRecord]
			rec[0] = byte(r.IntN(cifarClasses))
			// A per-feature bias makes the feature statistics differ.
			for j := 1; j < cifarRecord; j++ {
				rec[j] = byte(r.IntN(128) + j%128)
			}
		}
		return b
	}
	var f cifarFixture
	for _, n := range batchRecords {
		f.batches = append(f.batches, records(n))
	}
	f.test = records(testRecords)
	return f
}

// writeFolder writes the fixture as dir/cifar-10-batches-bin/, skipping the
// batches whose 1-based numbers are in skip.
func (f cifarFixture) writeFolder(t *testing.T, dir string, skip ...int) string {
	t.Helper()
	folder := filepath.Join(dir, cifarFolder)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(folder, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
outer:
	for i, b := range f.batches {
		for _, s := range skip {
			if s == i+1 {
				continue outer
			}
		}
		write(cifarBatchName(i+1), b)
	}
	write(cifarTestFile, f.test)
	return folder
}

// archive returns the fixture as an official-layout tar.gz whose entries come
// in a scrambled order (test batch first, the last training batch before the
// first, an unrelated file in between).
func (f cifarFixture) archive(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(zw)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.WriteHeader(&tar.Header{Name: cifarFolder + "/", Mode: 0o755, Typeflag: tar.TypeDir}); err != nil {
		t.Fatal(err)
	}
	add(cifarFolder+"/"+cifarTestFile, f.test)
	for i := len(f.batches) - 1; i >= 0; i-- {
		add(cifarFolder+"/"+cifarBatchName(i+1), f.batches[i])
		if i == len(f.batches)-1 {
			add(cifarFolder+"/batches.meta.txt", []byte("airplane\n"))
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeArchive writes the fixture archive as dir/cifar-10-binary.tar.gz.
func (f cifarFixture) writeArchive(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	b := f.archive(t)
	p := filepath.Join(dir, cifarArchive)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, b
}

// naiveStandardisation computes, independently of pixelStats, the mean and
// population standard deviation of x/255 per feature over records (raw
// record-file bytes), by two passes in float64.
func naiveStandardisation(records []byte) (mean, std []float64) {
	n := len(records) / cifarRecord
	mean = make([]float64, cifarFeatures)
	std = make([]float64, cifarFeatures)
	for i := range n {
		for j := range cifarFeatures {
			mean[j] += float64(records[i*cifarRecord+1+j]) / 255
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := range n {
		for j := range cifarFeatures {
			d := float64(records[i*cifarRecord+1+j])/255 - mean[j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
	}
	return mean, std
}
