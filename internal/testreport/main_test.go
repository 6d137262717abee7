package main

import (
	"strings"
	"testing"
)

func TestReportGroupsSkipsAndFindsFailures(t *testing.T) {
	stream := strings.Join([]string{
		`go: downloading example.com/x v1.0.0`,
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:12: CIFAR-10 not found at /d\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"q","Test":"TestB","Output":"    b_test.go:3: CIFAR-10 not found at /d\n"}`,
		`{"Action":"skip","Package":"q","Test":"TestB"}`,
		`{"Action":"skip","Package":"q","Test":"TestC"}`,
		`{"Action":"output","Package":"p","Test":"TestD","Output":"    d_test.go:9: got 1, want 2\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestD"}`,
		`{"Action":"output","Package":"p","Test":"TestE","Output":"quiet pass\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestE"}`,
		`{"Action":"output","Package":"p","Output":"PASS\n"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
	}, "\n")
	var out strings.Builder
	failed, err := report(strings.NewReader(stream), &out)
	if err != nil || !failed {
		t.Fatalf("failed %v, err %v", failed, err)
	}
	got := out.String()
	for _, want := range []string{
		"go: downloading example.com/x v1.0.0\n",
		"d_test.go:9: got 1, want 2\n",
		"FAIL\tp\t0.1s\n",
		"SKIPPED 3 tests:\n",
		"  CIFAR-10 not found at /d: 2 tests (TestA (p), TestB (q))\n",
		"  no reason given: 1 test (TestC (q))\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"quiet pass", "PASS\n", "=== RUN"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("report shows %q:\n%s", unwanted, got)
		}
	}
	if failed, _ := report(strings.NewReader(`{"Action":"pass","Package":"p"}`), &out); failed {
		t.Error("a passing stream reported as failed")
	}
}
