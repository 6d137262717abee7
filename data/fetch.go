package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// source is a downloadable dataset file and what it must be.
type source struct {
	url    string // where to fetch it
	file   string // its name in the data directory
	size   int64  // its length in bytes
	sha256 string // its SHA-256, hex
}

// cifar10Source is the official CIFAR-10 binary archive (its MD5 is
// c32a1d4ab5d03f1284b67883e8d87530). Tests override it.
var cifar10Source = source{
	url:    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
	file:   cifarArchive,
	size:   170052171,
	sha256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
}

// Fetch downloads the named dataset ("cifar10") into dir, showing progress on
// w (a progress bar when w is a terminal, plain lines otherwise); url
// overrides the source (tests). An existing good file is not fetched again.
// The download goes to a temporary file in dir, renamed into place only once
// its SHA-256 matches, so a failed or cut download leaves nothing behind (not
// even dir, when Fetch created it). Another name is an error wrapping
// ErrUnknownDataset.
func Fetch(ctx context.Context, name, dir, url string, w io.Writer) (err error) {
	if name != "cifar10" {
		return fmt.Errorf("fetching %q: %w: only cifar10 can be fetched (the other datasets are generated)", name, ErrUnknownDataset)
	}
	src := cifar10Source
	if url != "" {
		src.url = url
	}
	dest := filepath.Join(dir, src.file)
	sum, err := fileSHA256(dest)
	switch {
	case err == nil && sum == src.sha256:
		fmt.Fprintf(w, "%s: %s is already present and its SHA-256 matches; not fetching it again\n", name, dest)
		return nil
	case err == nil:
		fmt.Fprintf(w, "%s: %s has SHA-256 %s, want %s; fetching it again\n", name, dest, sum, src.sha256)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("fetching %s: checking %s: %w", name, dest, err)
	}
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		defer func() {
			if err != nil {
				os.Remove(dir) // only if empty, as it was made
			}
		}()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("fetching %s: creating %s: %w", name, dir, err)
	}
	if err := download(ctx, src, dest, newProgress(w, name, src.size)); err != nil {
		return fmt.Errorf("fetching %s: %w", name, err)
	}
	fmt.Fprintf(w, "%s: saved %s (SHA-256 verified)\n", name, dest)
	return nil
}

// download fetches src into dest through a temporary file beside it,
// reporting bytes to progress, and renames it into place only if its SHA-256
// matches.
func download(ctx context.Context, src source, dest string, progress progressWriter) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.url, nil)
	if err != nil {
		return fmt.Errorf("requesting %s: %w", src.url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("requesting %s: %w", src.url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("requesting %s: HTTP %s", src.url, resp.Status)
	}
	if resp.ContentLength >= 0 && resp.ContentLength != src.size {
		return fmt.Errorf("requesting %s: the server offers %d bytes, want %d (a different file?)", src.url, resp.ContentLength, src.size)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".*.part")
	if err != nil {
		return fmt.Errorf("creating a temporary file for %s: %w", dest, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h, progress), resp.Body)
	progress.finish()
	if err != nil {
		return fmt.Errorf("downloading %s: cut off after %d of %d bytes: %w", src.url, n, src.size, err)
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != src.sha256 {
		return fmt.Errorf("downloading %s: got %d bytes with SHA-256 %s, want %d bytes with SHA-256 %s",
			src.url, n, sum, src.size, src.sha256)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return fmt.Errorf("moving the download into place: %w", err)
	}
	return nil
}

// fileSHA256 returns the SHA-256 (hex) of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
