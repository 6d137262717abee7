// Command testreport reads "go test -json" on stdin and prints what a person
// needs from it: each package's result line, the output of every failed test,
// and at the end which tests were skipped and why, grouped by reason (for
// example "CIFAR-10 not found at …: 2 tests"), so a missing data directory is
// never silent. It exits with status 1 if anything failed.
//
//	go test -json ./... | go run ./internal/testreport
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
)

// event is one line of "go test -json" (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// location is the "file_test.go:12: " prefix of a test's log line.
var location = regexp.MustCompile(`^\s*\S+\.go:\d+: `)

func main() {
	failed, err := report(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(1)
	}
	if failed {
		os.Exit(1)
	}
}

// report copies the digest of the event stream in to out and says whether
// anything failed.
func report(in io.Reader, out io.Writer) (failed bool, err error) {
	outputs := map[string][]string{} // test key -> its output lines
	skipped := map[string][]string{} // reason -> tests
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Action == "" {
			fmt.Fprintln(out, sc.Text()) // not an event: go's own messages
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output", "build-output":
			if e.Test != "" {
				outputs[key] = append(outputs[key], e.Output)
			} else if e.Output != "PASS\n" {
				fmt.Fprint(out, e.Output)
			}
		case "fail", "build-fail":
			failed = true
			if e.Test != "" {
				fmt.Fprint(out, strings.Join(outputs[key], ""))
			}
			delete(outputs, key)
		case "skip":
			if e.Test != "" {
				reason := skipReason(outputs[key])
				skipped[reason] = append(skipped[reason], e.Test+" ("+strings.TrimPrefix(e.Package, "github.com/edge-of-stability/")+")")
			}
			delete(outputs, key)
		case "pass":
			delete(outputs, key)
		}
	}
	if err := sc.Err(); err != nil {
		return true, fmt.Errorf("reading go test -json: %w", err)
	}
	reasons := make([]string, 0, len(skipped))
	for r := range skipped {
		reasons = append(reasons, r)
	}
	slices.Sort(reasons)
	total := 0
	for _, r := range reasons {
		total += len(skipped[r])
	}
	if total > 0 {
		fmt.Fprintf(out, "SKIPPED %d tests:\n", total)
	}
	for _, r := range reasons {
		tests := skipped[r]
		fmt.Fprintf(out, "  %s: %d %s (%s)\n", r, len(tests), plural(len(tests), "test"), strings.Join(tests, ", "))
	}
	return failed, nil
}

// skipReason is the message a skipped test logged last, without its file and
// line, or "no reason given".
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		return strings.TrimSpace(location.ReplaceAllString(lines[i], ""))
	}
	return "no reason given"
}

// plural is word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
