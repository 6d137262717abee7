// Command gen writes asm/gemm_amd64.s, the amd64 GEMM micro-kernels, with
// avo (github.com/mmcloughlin/avo). It is its own module so that avo never
// becomes a dependency of eos; run it through `go generate ./asm` from the
// root of the repository, which rewrites ../gemm_amd64.s:
//
//	cd asm/gen && go run . -out ../gemm_amd64.s
//
// The output depends on nothing but this source (not on the -out path), so
// `make check-generate` can regenerate into a temporary file and compare.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
)

// constraint is the build constraint of the generated file: the assembly
// kernels are left out when eos is built with -tags purego.
const constraint = "!purego"

// generator names the generator in the file's "Code generated" line; it
// deliberately leaves out the -out path so that any output is byte-identical.
const generator = "asm/gen with avo (go generate ./asm)"

func main() {
	log.SetFlags(0)
	log.SetPrefix("asm/gen: ")
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	out := fs.String("out", "", "write the assembly to `file` (default: standard output)")
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		log.Fatalf("unexpected arguments %q", fs.Args())
	}

	ctx := build.NewContext()
	ctx.ConstraintExpr(constraint)
	for _, k := range kernels {
		k.emit(ctx)
	}
	f, err := ctx.Result()
	if err != nil {
		build.LogError(log.Default(), err, 0)
		os.Exit(1)
	}
	if err := pass.Compile.Execute(f); err != nil {
		log.Fatal(err)
	}
	src, err := docPrinter{printer.NewGoAsm(printer.Config{Name: generator})}.Print(f)
	if err != nil {
		log.Fatal(err)
	}
	if *out == "" {
		_, err = os.Stdout.Write(src)
	} else {
		// Written only once everything succeeded: a failed run leaves the
		// committed file alone.
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		log.Fatal(err)
	}
}

// docPrinter prints a file with avo's Go assembly printer, then moves the
// build constraint to the first line and puts each function's Doc lines (avo
// only prints them in Go stubs, which are not generated here: the Go
// declarations live, documented, in asm/gemm_amd64.go) as a comment right
// above its TEXT line.
type docPrinter struct{ asm printer.Printer }

func (p docPrinter) Print(f *ir.File) ([]byte, error) {
	src, err := p.asm.Print(f)
	if err != nil {
		return nil, err
	}
	// avo writes "// Code generated ...\n\n//go:build ...\n"; swap the two.
	warning, rest, ok := bytes.Cut(src, []byte("\n\n"))
	tag := "//go:build " + constraint + "\n"
	if !ok || !bytes.HasPrefix(rest, []byte(tag)) {
		return nil, fmt.Errorf("unexpected file header %q", src[:min(len(src), 120)])
	}
	src = bytes.Join([][]byte{[]byte(tag), warning, rest[len(tag):]}, []byte("\n"))
	// Insert the doc comments.
	for _, fn := range f.Functions() {
		if len(fn.Doc) == 0 {
			continue
		}
		text := []byte("TEXT ·" + fn.Name + "(SB),")
		if bytes.Count(src, text) != 1 {
			return nil, fmt.Errorf("TEXT line of %s not found once", fn.Name)
		}
		var doc strings.Builder
		for _, line := range fn.Doc {
			switch {
			case line == "":
				doc.WriteString("//\n")
			case strings.HasPrefix(line, "\t"): // code, as gofmt writes it
				doc.WriteString("//" + line + "\n")
			default:
				doc.WriteString("// " + line + "\n")
			}
		}
		src = bytes.Replace(src, text, append([]byte(doc.String()), text...), 1)
	}
	return src, nil
}
