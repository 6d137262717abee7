package data

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// maxCIFAREntry bounds the size of an archive entry read into memory: a
// CIFAR-10 batch holds 10,000 records.
const maxCIFAREntry = 10_000 * cifarRecord

// loadCIFARArchive reads CIFAR-10 straight from the official
// cifar-10-binary.tar.gz, streaming tar and gzip without extracting. Training
// batches are used in batch order, stopping at the first missing one,
// whatever their order inside the archive. The checksum of both sets is the
// SHA-256 of the whole archive.
func loadCIFARArchive(archive, name string, want int) (Split, error) {
	f, err := os.Open(archive)
	if err != nil {
		return Split{}, fmt.Errorf("%s: opening %s: %w", name, archive, err)
	}
	defer f.Close()
	return readCIFARArchive(f, archive, name, want)
}

// readCIFARArchive is loadCIFARArchive on the archive's bytes from r.
func readCIFARArchive(r io.Reader, archive, name string, want int) (Split, error) {
	h := sha256.New()
	raw := io.TeeReader(r, h)
	zr, err := gzip.NewReader(raw)
	if err != nil {
		return Split{}, fmt.Errorf("%s: reading %s: %w", name, archive, err)
	}
	train := newCIFARTrain(want, 0)
	pending := make(map[int][]byte)
	next := 1
	var test cifarRecords
	haveTest := false
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Split{}, fmt.Errorf("%s: reading %s: %w", name, archive, err)
		}
		batch, isTest, ok := cifarEntry(hdr.Name)
		if !ok || hdr.Typeflag != tar.TypeReg {
			continue
		}
		entry := archive + ":" + hdr.Name
		if hdr.Size > maxCIFAREntry {
			return Split{}, fmt.Errorf("%s: %s is %d bytes, more than CIFAR-10 holds", name, entry, hdr.Size)
		}
		data := make([]byte, hdr.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return Split{}, fmt.Errorf("%s: reading %s: %w", name, entry, err)
		}
		if isTest {
			if _, err := test.appendFile(entry, data, -1, nil); err != nil {
				return Split{}, fmt.Errorf("%s: %w", name, err)
			}
			haveTest = true
			continue
		}
		pending[batch] = data
		for pending[next] != nil {
			if err := train.add(archive+":"+path.Join(cifarFolder, cifarBatchName(next)), pending[next]); err != nil {
				return Split{}, fmt.Errorf("%s: %w", name, err)
			}
			delete(pending, next)
			next++
		}
	}
	if _, err := io.Copy(io.Discard, raw); err != nil {
		return Split{}, fmt.Errorf("%s: reading %s: %w", name, archive, err)
	}
	if next == 1 || !haveTest {
		missing := cifarBatchName(1)
		if next > 1 {
			missing = cifarTestFile
		}
		return Split{}, fmt.Errorf("%s: %s has no %s; run `eos data fetch cifar10` to fetch the official archive",
			name, archive, path.Join(cifarFolder, missing))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return train.split(name, archive, sum, test, sum)
}

// cifarEntry reports whether the archive entry name is a CIFAR-10 record
// file: the test batch, or training batch number batch (1..5).
func cifarEntry(name string) (batch int, isTest, ok bool) {
	dir, base := path.Split(path.Clean(name))
	if path.Clean(dir) != cifarFolder {
		return 0, false, false
	}
	if base == cifarTestFile {
		return 0, true, true
	}
	digits, found := strings.CutPrefix(base, "data_batch_")
	if !found {
		return 0, false, false
	}
	digits, found = strings.CutSuffix(digits, ".bin")
	if !found {
		return 0, false, false
	}
	batch, err := strconv.Atoi(digits)
	if err != nil || batch < 1 || batch > cifarBatches {
		return 0, false, false
	}
	return batch, false, true
}
