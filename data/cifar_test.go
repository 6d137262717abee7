package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkCIFARSet checks that s holds exactly the first s.N records of the
// concatenated record files, in order, and that Set.Input standardises them
// with the statistics of all of statRecords.
func checkCIFARSet(t *testing.T, s *Set, records, statRecords []byte) {
	t.Helper()
	if s.D != cifarFeatures || s.Classes != 10 || s.Outputs != 10 || len(s.Labels) != s.N || len(s.Pixels) != s.N*s.D {
		t.Fatalf("shape: N=%d D=%d Classes=%d Outputs=%d labels=%d pixels=%d", s.N, s.D, s.Classes, s.Outputs, len(s.Labels), len(s.Pixels))
	}
	mean, std := naiveStandardisation(statRecords)
	got := make([]float64, s.D)
	for i := range s.N {
		rec := records[i*cifarRecord : (i+1)*cifarRecord]
		if s.Labels[i] != int32(rec[0]) {
			t.Fatalf("label %d = %d, want %d", i, s.Labels[i], rec[0])
		}
		if !bytes.Equal(s.Pixels[i*s.D:(i+1)*s.D], rec[1:]) {
			t.Fatalf("pixels of example %d differ from its record", i)
		}
		if i%97 != 0 {
			continue
		}
		s.Input(i, got)
		for j, g := range got {
			want := (float64(rec[1+j])/255 - mean[j]) / std[j]
			if math.Abs(g-want) > 1e-9*(1+math.Abs(want)) {
				t.Fatalf("Input(%d)[%d] = %v, want %v", i, j, g, want)
			}
		}
	}
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestCIFARFolderSubsetSpansBatches(t *testing.T) {
	fx := newCIFARFixture(1, []int{600, 700}, 50)
	dir := t.TempDir()
	folder := fx.writeFolder(t, dir)
	s, err := Load("cifar10-1k", dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	all := concat(fx.batches...)
	if s.Train.N != 1000 || s.Test.N != 50 {
		t.Fatalf("N = %d/%d, want 1000/50", s.Train.N, s.Test.N)
	}
	checkCIFARSet(t, s.Train, all, all)
	checkCIFARSet(t, s.Test, fx.test, all)
	if sum := sha256.Sum256(all); s.Train.Checksum != hex.EncodeToString(sum[:]) {
		t.Errorf("train checksum %s is not the SHA-256 of the training files", s.Train.Checksum)
	}
	if sum := sha256.Sum256(fx.test); s.Test.Checksum != hex.EncodeToString(sum[:]) {
		t.Errorf("test checksum %s is not the SHA-256 of the test file", s.Test.Checksum)
	}
	if s.Train.Source != folder || s.Train.Name != "cifar10-1k" {
		t.Errorf("Source, Name = %q, %q", s.Train.Source, s.Train.Name)
	}
}

// TestCIFARFirstN checks cifar10-N: the first N records, across a batch
// boundary, standardised by the statistics of every training record (as the
// reference's subsets are), and N beyond the records present refused.
func TestCIFARFirstN(t *testing.T) {
	fx := newCIFARFixture(3, []int{600, 700}, 50)
	dir := t.TempDir()
	fx.writeFolder(t, dir)
	s, err := Load("cifar10-650", dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	all := concat(fx.batches...)
	if s.Train.N != 650 || s.Train.Name != "cifar10-650" {
		t.Fatalf("N = %d, name %q; want 650, cifar10-650", s.Train.N, s.Train.Name)
	}
	checkCIFARSet(t, s.Train, all[:650*cifarRecord], all)
	if _, err := Load("cifar10-1301", dir, 0); err == nil {
		t.Error("cifar10-1301 loaded from 1,300 records")
	}
	for _, bad := range []string{"cifar10-0", "cifar10--5", "cifar10-5x"} {
		if _, err := Load(bad, dir, 0); !errors.Is(err, ErrUnknownDataset) {
			t.Errorf("%s: err %v, want an unknown dataset", bad, err)
		}
	}
}

func TestCIFARAllStopsAtFirstMissingBatch(t *testing.T) {
	fx := newCIFARFixture(2, []int{30, 40, 50, 60}, 20)
	dir := t.TempDir()
	fx.writeFolder(t, dir, 3)
	s, err := Load("cifar10", dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	used := concat(fx.batches[0], fx.batches[1])
	if s.Train.N != 70 {
		t.Fatalf("N = %d, want 70 (batches 1 and 2)", s.Train.N)
	}
	checkCIFARSet(t, s.Train, used, used)
	checkCIFARSet(t, s.Test, fx.test, used)
}

func TestCIFARArchiveMatchesFolder(t *testing.T) {
	fx := newCIFARFixture(3, []int{500, 300, 400}, 60)
	folderDir, archiveDir := t.TempDir(), t.TempDir()
	fx.writeFolder(t, folderDir)
	path, raw := fx.writeArchive(t, archiveDir)
	fromFolder, err := Load("cifar10-1k", folderDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	fromArchive, err := Load("cifar10-1k", archiveDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	all := concat(fx.batches...)
	checkCIFARSet(t, fromArchive.Train, all, all)
	checkCIFARSet(t, fromArchive.Test, fx.test, all)
	for j := range fromFolder.Train.Scale {
		if fromFolder.Train.Scale[j] != fromArchive.Train.Scale[j] || fromFolder.Train.Shift[j] != fromArchive.Train.Shift[j] {
			t.Fatalf("feature %d standardised differently from archive and folder", j)
		}
	}
	sum := sha256.Sum256(raw)
	if fromArchive.Train.Source != path || fromArchive.Train.Checksum != hex.EncodeToString(sum[:]) || fromArchive.Test.Checksum != fromArchive.Train.Checksum {
		t.Errorf("archive Source/Checksum = %q/%q, want %q and the archive's SHA-256", fromArchive.Train.Source, fromArchive.Train.Checksum, path)
	}

	// With both present the folder wins.
	fx.writeArchive(t, folderDir)
	both, err := Load("cifar10", folderDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(folderDir, cifarFolder); both.Train.Source != want || both.Train.N != 1200 {
		t.Errorf("with folder and archive: Source %q N %d, want %q 1200", both.Train.Source, both.Train.N, want)
	}
}

func TestCIFARErrors(t *testing.T) {
	fx := newCIFARFixture(4, []int{1200, 100}, 10)
	tests := []struct {
		name    string
		dataset string
		setup   func(t *testing.T, dir string)
		want    []string
	}{
		{"missing", "cifar10", func(*testing.T, string) {}, []string{filepath.Join(cifarFolder, "data_batch_1.bin"), cifarArchive, "eos data fetch cifar10"}},
		{"missing test batch", "cifar10", func(t *testing.T, dir string) {
			fx.writeFolder(t, dir)
			os.Remove(filepath.Join(dir, cifarFolder, cifarTestFile))
		}, []string{cifarTestFile, "eos data fetch cifar10"}},
		{"too many", "cifar10-2k", func(t *testing.T, dir string) { fx.writeFolder(t, dir) }, []string{"2000", "1300"}},
		{"too many from archive", "cifar10-2k", func(t *testing.T, dir string) { fx.writeArchive(t, dir) }, []string{"2000", "1300", cifarArchive}},
		{"truncated", "cifar10-1k", func(t *testing.T, dir string) {
			folder := fx.writeFolder(t, dir)
			os.WriteFile(filepath.Join(folder, cifarBatchName(2)), fx.batches[1][:len(fx.batches[1])-5], 0o644)
		}, []string{cifarBatchName(2), "whole number"}},
		{"bad label", "cifar10-1k", func(t *testing.T, dir string) {
			folder := fx.writeFolder(t, dir)
			bad := bytes.Clone(fx.test)
			bad[3*cifarRecord] = 10
			os.WriteFile(filepath.Join(folder, cifarTestFile), bad, 0o644)
		}, []string{cifarTestFile, "record 3", "label 10"}},
		{"unknown", "cifar10-3k", func(*testing.T, string) {}, []string{`"cifar10-3k"`, "cifar10-5k", "chebyshev-K-N", DefaultName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			_, err := Load(tc.dataset, dir, 0)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans lines", err)
			}
		})
	}
}

// envDataDir returns $EOS_DATA, resolving a relative path against the
// module root (as CI gives it) when it does not exist relative to the
// package directory the test runs in.
func envDataDir() string {
	dir := os.Getenv("EOS_DATA")
	if dir == "" || filepath.IsAbs(dir) {
		return dir
	}
	if _, err := os.Stat(dir); err == nil {
		return dir
	}
	for root, _ := filepath.Abs("."); root != filepath.Dir(root); root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			return filepath.Join(root, dir)
		}
	}
	return dir
}

// realCIFAR returns $EOS_DATA and the raw bytes of the real data_batch_1.bin
// and test_batch.bin, skipping the test where they are absent.
func realCIFAR(t *testing.T) (dir string, train, test []byte) {
	t.Helper()
	dir = envDataDir()
	if dir == "" {
		t.Skip("EOS_DATA is not set; it should name the folder holding cifar-10-batches-bin/")
	}
	folder := filepath.Join(dir, cifarFolder)
	train, err := os.ReadFile(filepath.Join(folder, cifarBatchName(1)))
	if os.IsNotExist(err) {
		t.Skipf("real CIFAR-10 not found in %s", folder)
	}
	if err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= cifarBatches; i++ {
		b, err := os.ReadFile(filepath.Join(folder, cifarBatchName(i)))
		if err != nil {
			break
		}
		train = append(train, b...)
	}
	test, err = os.ReadFile(filepath.Join(folder, cifarTestFile))
	if err != nil {
		t.Fatal(err)
	}
	return dir, train, test
}

func TestRealCIFAR(t *testing.T) {
	dir, train, test := realCIFAR(t)
	s, err := Load("cifar10-1k", dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantTrain := []int32{6, 9, 9, 4, 1, 1, 2, 7, 8, 3}
	wantTest := []int32{3, 8, 8, 0, 6, 6, 1, 6, 3, 1}
	for i := range 10 {
		if s.Train.Labels[i] != wantTrain[i] || s.Test.Labels[i] != wantTest[i] {
			t.Fatalf("first labels train %v test %v, want %v and %v", s.Train.Labels[:10], s.Test.Labels[:10], wantTrain, wantTest)
		}
	}
	if s.Train.N != 1000 || s.Test.N != len(test)/cifarRecord {
		t.Fatalf("N = %d/%d, want 1000/%d", s.Train.N, s.Test.N, len(test)/cifarRecord)
	}
	mean, std := naiveStandardisation(train)
	for j := range cifarFeatures {
		gotStd := 1 / (255 * s.Train.Scale[j])
		gotMean := -s.Train.Shift[j] * gotStd
		if math.Abs(gotMean-mean[j]) > 1e-12 || math.Abs(gotStd-std[j]) > 1e-12 {
			t.Fatalf("feature %d: mean, std %v, %v; want %v, %v", j, gotMean, gotStd, mean[j], std[j])
		}
	}
	checkCIFARSet(t, s.Train, train, train)
	checkCIFARSet(t, s.Test, test, train)

	total := len(train) / cifarRecord
	if all, err := Load("cifar10", dir, 0); err != nil || all.Train.N != total {
		t.Errorf("cifar10: N %v, err %v; want %d", all.Train, err, total)
	}
	if total < 20000 {
		_, err := Load("cifar10-20k", dir, 0)
		if err == nil || !strings.Contains(err.Error(), "20000") {
			t.Errorf("cifar10-20k from %d records: error %v", total, err)
		}
	}
}

func BenchmarkLoadCIFAR1k(b *testing.B) {
	dir := envDataDir()
	if _, err := os.Stat(filepath.Join(dir, cifarFolder, cifarBatchName(1))); dir == "" || err != nil {
		b.Skip("EOS_DATA does not hold cifar-10-batches-bin/")
	}
	for b.Loop() {
		if _, err := Load("cifar10-1k", dir, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAvailable checks that Available finds CIFAR-10 as a folder or an
// archive without reading it, refuses an empty directory with Load's
// message, and accepts the generated sets anywhere.
func TestAvailable(t *testing.T) {
	fx := newCIFARFixture(5, []int{1000}, 10)
	empty := t.TempDir()
	err := Available("cifar10-1k", empty)
	if _, lerr := Load("cifar10-1k", empty, 0); err == nil || lerr == nil || err.Error() != lerr.Error() {
		t.Errorf("empty directory: Available %v, Load %v; want Load's error", err, lerr)
	}
	folder, archive := t.TempDir(), t.TempDir()
	fx.writeFolder(t, folder)
	fx.writeArchive(t, archive)
	for _, dir := range []string{folder, archive} {
		if err := Available("cifar10-5k", dir); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
	for _, name := range []string{DefaultName, "linear-50-50", "chebyshev-3-20"} {
		if err := Available(name, empty); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
