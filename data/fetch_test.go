package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// fetchServer serves body at /cifar-10-binary.tar.gz, counting requests;
// with cut set it sends the full Content-Length but only half the body, then
// drops the connection.
func fetchServer(t *testing.T, body []byte, cut bool) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path != "/"+cifarArchive {
			http.NotFound(w, r)
			return
		}
		if !cut {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n")
		buf.Write(body[:len(body)/2])
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

// useFixtureSource makes Fetch expect body instead of the real archive.
func useFixtureSource(t *testing.T, body []byte) {
	t.Helper()
	saved := cifar10Source
	t.Cleanup(func() { cifar10Source = saved })
	sum := sha256.Sum256(body)
	cifar10Source.size = int64(len(body))
	cifar10Source.sha256 = hex.EncodeToString(sum[:])
}

// fixtureArchive is a small official-layout archive with 1,100 training records.
func fixtureArchive(t *testing.T) []byte {
	return newCIFARFixture(5, []int{700, 400}, 30).archive(t)
}

// assertEmpty fails unless dir holds no files at all.
func assertEmpty(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind %s", e.Name())
	}
}

func TestFetchThenLoad(t *testing.T) {
	body := fixtureArchive(t)
	useFixtureSource(t, body)
	srv, requests := fetchServer(t, body, false)
	dir := filepath.Join(t.TempDir(), "data")
	var out strings.Builder
	if err := Fetch(context.Background(), "cifar10", dir, srv.URL+"/"+cifarArchive, &out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, cifarArchive))
	if err != nil || string(got) != string(body) {
		t.Fatalf("fetched file differs from the served one (err %v)", err)
	}
	if !strings.Contains(out.String(), "100%") || !strings.Contains(out.String(), "verified") {
		t.Errorf("progress output %q lacks the final line", out.String())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries, want only the archive", len(entries))
	}

	out.Reset()
	if err := Fetch(context.Background(), "cifar10", dir, srv.URL+"/"+cifarArchive, &out); err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests, want 1: a good existing file was fetched again", n)
	}
	if !strings.Contains(out.String(), "already present") {
		t.Errorf("second fetch said %q", out.String())
	}

	s, err := Load("cifar10-1k", dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.N != 1000 || s.Test.N != 30 || s.Train.Source != filepath.Join(dir, cifarArchive) {
		t.Errorf("loaded N %d/%d from %q", s.Train.N, s.Test.N, s.Train.Source)
	}
}

func TestFetchReplacesBadFile(t *testing.T) {
	body := fixtureArchive(t)
	useFixtureSource(t, body)
	srv, requests := fetchServer(t, body, false)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, cifarArchive), body[:100], 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := Fetch(context.Background(), "cifar10", dir, srv.URL+"/"+cifarArchive, &out); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, cifarArchive)); string(got) != string(body) || requests.Load() != 1 {
		t.Errorf("bad existing file not replaced (requests %d)", requests.Load())
	}
}

func TestFetchFailuresLeaveNothing(t *testing.T) {
	body := fixtureArchive(t)
	tests := []struct {
		name      string
		cut       bool
		path      string
		corrupt   bool
		wantError []string
		sizeOff   int64
	}{
		{"wrong size", false, "/" + cifarArchive, false, []string{"offers " + strconv.Itoa(len(body)) + " bytes", "want " + strconv.Itoa(len(body)+1)}, 1},
		{"checksum mismatch", false, "/" + cifarArchive, true, []string{"SHA-256", "want"}, 0},
		{"connection cut", true, "/" + cifarArchive, false, []string{"cut off", strconv.Itoa(len(body))}, 0},
		{"not found", false, "/missing.tar.gz", false, []string{"404"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			useFixtureSource(t, body)
			if tc.corrupt {
				cifar10Source.sha256 = strings.Repeat("0", 64)
			}
			cifar10Source.size += tc.sizeOff
			srv, _ := fetchServer(t, body, tc.cut)
			dir := filepath.Join(t.TempDir(), "data")
			err := Fetch(context.Background(), "cifar10", dir, srv.URL+tc.path, &strings.Builder{})
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, w := range tc.wantError {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if tc.corrupt {
				sum := sha256.Sum256(body)
				if !strings.Contains(err.Error(), hex.EncodeToString(sum[:])) || !strings.Contains(err.Error(), cifar10Source.sha256) {
					t.Errorf("error %q does not name the expected and actual checksums", err)
				}
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the failed fetch left the data directory %s behind (%v)", dir, err)
			}
		})
	}
}

func TestFetchUnknownName(t *testing.T) {
	dir := t.TempDir()
	if err := Fetch(context.Background(), "mnist", dir, "", &strings.Builder{}); err == nil || !strings.Contains(err.Error(), "mnist") {
		t.Errorf("error %v", err)
	}
	assertEmpty(t, dir)
}
