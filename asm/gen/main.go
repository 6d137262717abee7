// Command gen writes the amd64 assembly files of asm with avo
// (github.com/mmcloughlin/avo), one file per run. It is its own module so that
// avo never becomes a dependency of eos; run it through `go generate ./asm`
// from the root of the repository, whose //go:generate lines (next to the Go
// declarations of each file's kernels) rewrite every file, as in
//
//	cd asm/gen && go run . -file standardize -out ../standardize_amd64.s
//
// The files, by -file name: gemm (the GEMM micro-kernels), pack (the
// transposes and row copies that pack GEMM panels), standardize, tanh, vec
// (dot, axpy, scale) and peak (the FMA peak loops). The output depends on
// nothing but this source and -file (not on the -out path). With -check
// (`make check-generate`) it writes nothing and instead checks that every
// generated file in the asm folder is byte for byte what it would write.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/mmcloughlin/avo/build"
	"github.com/mmcloughlin/avo/ir"
	"github.com/mmcloughlin/avo/pass"
	"github.com/mmcloughlin/avo/printer"
)

// files are the generated files: what each adds to its build context, in
// file order.
var files = map[string]func(*build.Context){
	"gemm":        emitGEMM,
	"pack":        emitPack,
	"standardize": emitStandardize,
	"tanh":        emitTanh,
	"relu":        emitReLU,
	"maxpool":     emitMaxPool,
	"vec":         emitVec,
	"peak":        emitPeak,
}

// constraint is the build constraint of the generated files: the assembly
// kernels are left out when eos is built with -tags purego.
const constraint = "!purego"

// generator names the generator in the file's "Code generated" line; it
// deliberately leaves out the -out path so that any output is byte-identical.
const generator = "asm/gen with avo (go generate ./asm)"

func main() {
	log.SetFlags(0)
	log.SetPrefix("asm/gen: ")
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	file := fs.String("file", "", "generate `name`_amd64.s, one of "+strings.Join(fileNames(), ", "))
	out := fs.String("out", "", "write the assembly to `file` (default: standard output)")
	check := fs.String("check", "", "instead of writing, check that every generated file in the asm `folder` is what this generator writes and has a //go:generate line")
	fs.Parse(os.Args[1:])
	if fs.NArg() > 0 {
		log.Fatalf("unexpected arguments %q", fs.Args())
	}
	if *check != "" {
		if err := checkFolder(*check); err != nil {
			log.Fatal(err)
		}
		return
	}
	src, err := generate(*file)
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

// fileNames are the names of the generated files, sorted.
func fileNames() []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// generate returns the assembly of the file called name.
func generate(name string) ([]byte, error) {
	emit, ok := files[name]
	if !ok {
		return nil, fmt.Errorf("-file %q: want one of %s", name, strings.Join(fileNames(), ", "))
	}
	ctx := build.NewContext()
	ctx.ConstraintExpr(constraint)
	emit(ctx)
	f, err := ctx.Result()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := pass.Compile.Execute(f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return docPrinter{printer.NewGoAsm(printer.Config{Name: generator})}.Print(f)
}

// checkFolder reports, as one error, every generated file in dir (the asm
// package) that differs from what generate writes, lacks the //go:generate
// line that rewrites it, or claims to come from this generator without being
// one of its files.
func checkFolder(dir string) error {
	var problems []string
	goSrc, err := readAll(filepath.Join(dir, "*.go"))
	if err != nil {
		return err
	}
	for _, name := range fileNames() {
		path := filepath.Join(dir, name+"_amd64.s")
		want, err := generate(name)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(path)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case !bytes.Equal(got, want):
			problems = append(problems, path+" differs from what asm/gen writes: run `go generate ./asm` and commit the result")
		default:
			fmt.Printf("check-generate: %s is what asm/gen generates\n", path)
		}
		line := "//go:generate go run -C gen . -file " + name + " -out ../" + name + "_amd64.s\n"
		if !bytes.Contains(goSrc, []byte(line)) {
			problems = append(problems, fmt.Sprintf("no %q in %s", strings.TrimSpace(line), filepath.Join(dir, "*.go")))
		}
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.s"))
	if err != nil {
		return err
	}
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		name, _ := strings.CutSuffix(filepath.Base(path), "_amd64.s")
		if bytes.Contains(src, []byte("// Code generated by "+generator)) && files[name] == nil {
			problems = append(problems, path+" says it is generated by asm/gen, which does not write it")
		}
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "\n"))
	}
	return nil
}

// readAll concatenates the files matching pattern.
func readAll(pattern string) ([]byte, error) {
	paths, err := filepath.Glob(pattern)
	if err != nil {
		return nil, err
	}
	var all []byte
	for _, path := range paths {
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		all = append(all, src...)
	}
	return all, nil
}

// globalDocs are the comments above the DATA lines of the static data
// sections, by symbol name.
var globalDocs = map[string][]string{"tanhConsts": tanhDataDoc()}

// docPrinter prints a file with avo's Go assembly printer, then moves the
// build constraint to the first line and puts each function's Doc lines (avo
// only prints them in Go stubs, which are not generated here: the Go
// declarations live, documented, in asm/*_amd64.go) as a comment right above
// its TEXT line, and each globalDocs entry above its data.
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
	// insert puts doc as a comment before the only occurrence of text.
	insert := func(text string, doc []string) error {
		if bytes.Count(src, []byte(text)) != 1 {
			return fmt.Errorf("%q not found once", text)
		}
		var b strings.Builder
		for _, line := range doc {
			switch {
			case line == "":
				b.WriteString("//\n")
			case strings.HasPrefix(line, "\t"): // code, as gofmt writes it
				b.WriteString("//" + line + "\n")
			default:
				b.WriteString("// " + line + "\n")
			}
		}
		src = bytes.Replace(src, []byte(text), []byte(b.String()+text), 1)
		return nil
	}
	for _, fn := range f.Functions() {
		if len(fn.Doc) == 0 {
			continue
		}
		if err := insert("TEXT ·"+fn.Name+"(SB),", fn.Doc); err != nil {
			return nil, err
		}
	}
	for _, s := range f.Sections {
		if g, ok := s.(*ir.Global); ok && len(globalDocs[g.Symbol.Name]) > 0 {
			if err := insert("DATA "+g.Symbol.String()+"+0(SB)/", globalDocs[g.Symbol.Name]); err != nil {
				return nil, err
			}
		}
	}
	return src, nil
}
