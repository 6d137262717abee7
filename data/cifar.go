package data

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
)

// The official CIFAR-10 binary layout: records of a label byte followed by
// 1,024 red, 1,024 green and 1,024 blue bytes, each plane row-major 32×32.
const (
	cifarChannels = 3
	cifarSide     = 32
	cifarFeatures = cifarChannels * cifarSide * cifarSide
	cifarRecord   = 1 + cifarFeatures
	cifarClasses  = 10
	cifarBatches  = 5
	cifarFolder   = "cifar-10-batches-bin"
	cifarArchive  = "cifar-10-binary.tar.gz"
	cifarTestFile = "test_batch.bin"
)

// cifarBatchName is the file name of training batch i (1-based).
func cifarBatchName(i int) string { return fmt.Sprintf("data_batch_%d.bin", i) }

// cifarRecords holds examples decoded from CIFAR-10 record files.
type cifarRecords struct {
	pixels []uint8
	labels []int32
}

// appendFile checks that data, the contents of the record file named file,
// is a whole number of records with labels 0..9, appends its first keep
// records (all when keep < 0) to r, and adds every record to stats when stats
// is non-nil. It returns the number of records in data.
func (r *cifarRecords) appendFile(file string, data []byte, keep int, stats *pixelStats) (int, error) {
	if len(data)%cifarRecord != 0 {
		return 0, fmt.Errorf("reading %s: %d bytes is not a whole number of %d-byte CIFAR-10 records", file, len(data), cifarRecord)
	}
	n := len(data) / cifarRecord
	if keep < 0 || keep > n {
		keep = n
	}
	for i := range n {
		rec := data[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return 0, fmt.Errorf("reading %s: record %d has label %d, want 0..%d", file, i, rec[0], cifarClasses-1)
		}
		if stats != nil {
			stats.add(rec[1:])
		}
		if i < keep {
			r.labels = append(r.labels, int32(rec[0]))
			r.pixels = append(r.pixels, rec[1:]...)
		}
	}
	return n, nil
}

// cifarTrain gathers the training batches of one CIFAR-10 copy, in batch
// order: the first want records (all when want is 0), statistics over every
// record, and a SHA-256 of the bytes read.
type cifarTrain struct {
	want  int
	total int
	recs  cifarRecords
	stats *pixelStats
	hash  hash.Hash
}

// newCIFARTrain returns a gatherer keeping want records (0: all), with room
// for capRecords records.
func newCIFARTrain(want, capRecords int) *cifarTrain {
	if want > 0 {
		capRecords = want
	}
	return &cifarTrain{
		want:  want,
		recs:  cifarRecords{pixels: make([]uint8, 0, capRecords*cifarFeatures), labels: make([]int32, 0, capRecords)},
		stats: newPixelStats(cifarFeatures),
		hash:  sha256.New(),
	}
}

// add takes the next training batch, the contents of file.
func (t *cifarTrain) add(file string, data []byte) error {
	keep := -1
	if t.want > 0 {
		keep = max(t.want-len(t.recs.labels), 0)
	}
	n, err := t.recs.appendFile(file, data, keep, t.stats)
	if err != nil {
		return err
	}
	t.hash.Write(data)
	t.total += n
	return nil
}

// split standardises the gathered training records and the test records
// alike and returns them as sets named name. source describes where the data
// came from; an empty checksum stands for the hashes of the bytes read.
func (t *cifarTrain) split(name, source, checksum string, test cifarRecords, testChecksum string) (Split, error) {
	if t.want > t.total {
		return Split{}, fmt.Errorf("%s needs %d training records but %s holds only %d", name, t.want, source, t.total)
	}
	if checksum == "" {
		checksum = hex.EncodeToString(t.hash.Sum(nil))
	}
	scale, shift := t.stats.scaleShift()
	set := func(r cifarRecords, sum string) *Set {
		return &Set{
			Name: name, N: len(r.labels), D: cifarFeatures, C: cifarChannels, H: cifarSide, W: cifarSide, Classes: cifarClasses, Outputs: cifarClasses,
			Pixels: r.pixels, Scale: scale, Shift: shift, Labels: r.labels, Source: source, Checksum: sum,
		}
	}
	return Split{Train: set(t.recs, checksum), Test: set(test, testChecksum)}, nil
}

// loadCIFAR reads CIFAR-10 from dir, preferring the extracted folder over the
// official archive, keeping the first want training records (0: all).
func loadCIFAR(dir, name string, want int) (Split, error) {
	folder, archive, err := cifarSource(dir, name)
	switch {
	case err != nil:
		return Split{}, err
	case folder != "":
		return loadCIFARFolder(folder, name, want)
	}
	return loadCIFARArchive(archive, name, want)
}

// cifarSource finds CIFAR-10 in dir: the folder of binary batches when it
// holds the first one, else the official tar.gz; the error says where it
// looked and how to get the data.
func cifarSource(dir, name string) (folder, archive string, err error) {
	folder = filepath.Join(dir, cifarFolder)
	first := filepath.Join(folder, cifarBatchName(1))
	if _, err := os.Stat(first); !errors.Is(err, fs.ErrNotExist) {
		return folder, "", nil
	}
	archive = filepath.Join(dir, cifarArchive)
	if _, err := os.Stat(archive); !errors.Is(err, fs.ErrNotExist) {
		return "", archive, nil
	}
	return "", "", fmt.Errorf("%s: CIFAR-10 not found: tried %s and %s; run `eos data fetch cifar10` or point --data-dir or EOS_DATA at the folder holding %s",
		name, first, archive, cifarFolder)
}

// loadCIFARFolder reads data_batch_1.bin, data_batch_2.bin, … (stopping at
// the first missing one) and test_batch.bin from folder, one read per file.
func loadCIFARFolder(folder, name string, want int) (Split, error) {
	var paths []string
	records := 0
	for i := 1; i <= cifarBatches; i++ {
		p := filepath.Join(folder, cifarBatchName(i))
		info, err := os.Stat(p)
		if i > 1 && errors.Is(err, fs.ErrNotExist) {
			break
		}
		if err != nil {
			return Split{}, fmt.Errorf("%s: reading %s: %w (run `eos data fetch cifar10`)", name, p, err)
		}
		paths = append(paths, p)
		records += int(info.Size() / cifarRecord)
	}
	train := newCIFARTrain(want, records)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return Split{}, fmt.Errorf("%s: reading %s: %w", name, p, err)
		}
		if err := train.add(p, data); err != nil {
			return Split{}, fmt.Errorf("%s: %w", name, err)
		}
	}
	testPath := filepath.Join(folder, cifarTestFile)
	data, err := os.ReadFile(testPath)
	if err != nil {
		return Split{}, fmt.Errorf("%s: reading %s: %w (run `eos data fetch cifar10`)", name, testPath, err)
	}
	var test cifarRecords
	if _, err := test.appendFile(testPath, data, -1, nil); err != nil {
		return Split{}, fmt.Errorf("%s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	return train.split(name, folder, "", test, hex.EncodeToString(sum[:]))
}
