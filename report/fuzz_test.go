package report

import (
	"bytes"
	"testing"

	"github.com/edge-of-stability/eos/internal/fuzzseed"
)

// FuzzTable feeds arbitrary bytes to the CSV reader of metrics.csv and
// eigs.csv: it may reject them but never panic, and a table it accepts ends
// in a whole line and has one value per column in every row.
func FuzzTable(f *testing.F) {
	fuzzseed.Add(f,
		[]byte("step,train_loss,train_acc,test_loss,test_acc,elapsed_s,lr,threshold\n0,2.5,0.1,2.6,0.1,0.5,0.01,200\n1,2.4,0.12,,,0.9,0.01,200\r\n"),
		[]byte("step,lambda1,lambda2,eta_lambda1,hvps,seconds\n0,NaN,+Inf,-Inf,40,0.2\n"),
		[]byte("step,train_loss\n0,1\n1,0."),
		[]byte("a,,b\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tab, err := parseTable("fuzz.csv", raw)
		if err != nil {
			return
		}
		if !bytes.HasSuffix(raw, []byte("\n")) {
			t.Fatal("accepted a file whose last line is torn")
		}
		for i, row := range tab.Rows {
			if len(row) != len(tab.Columns) {
				t.Fatalf("row %d has %d values for %d columns", i, len(row), len(tab.Columns))
			}
		}
		for _, c := range tab.Columns {
			if c == "" {
				t.Fatal("accepted an empty column name")
			}
		}
	})
}
