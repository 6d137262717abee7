package report

import (
	"html/template"
	"io"

	"github.com/edge-of-stability/eos/internal/atomicfile"
)

// Section is one reproduced experiment of an HTML report.
type Section struct {
	Title, Claim, Note, Statement string
	// Verdict is "shows the claim", "does not show the claim" or "not checked"; Holds colours it.
	Verdict string
	Holds   bool
	Details []string
	Missing []string
	// Figures are SVG documents, inlined as they are.
	Figures []template.HTML
	// Config is the preset file; Summary the summary table, its first row the header.
	Config  string
	Summary [][]string
}

var page = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>eos reproduce report</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:1300px}
.figure{display:inline-block;width:600px;height:700px;margin:4px;border:1px solid #ccc}
.figure svg{width:600px;height:700px}
.yes{color:#070}.no{color:#a00}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 4px}
pre{background:#f4f4f4;padding:8px;font-size:12px}
</style></head><body>
<h1>eos reproduce report</h1>
{{range .}}<section class="preset">
<h2>{{.Title}}</h2>
<p><b>Claim:</b> {{.Claim}}</p>
<p>{{.Note}}</p>
<p><b>Check:</b> {{.Statement}} — <b class="{{if .Holds}}yes{{else}}no{{end}}">{{.Verdict}}</b></p>
<ul>{{range .Details}}<li>{{.}}</li>{{end}}</ul>
{{if .Missing}}<p><b>Not run:</b></p><ul>{{range .Missing}}<li>{{.}}</li>{{end}}</ul>{{end}}
<div>{{range .Figures}}<div class="figure">{{.}}</div>{{end}}</div>
<h3>Summary</h3>
<table>{{range $i, $r := .Summary}}<tr>{{range $r}}{{if eq $i 0}}<th>{{.}}</th>{{else}}<td>{{.}}</td>{{end}}{{end}}</tr>{{end}}</table>
<h3>Configuration</h3>
<pre>{{.Config}}</pre>
</section>
{{end}}</body></html>
`))

// WriteHTML writes one self-contained HTML page of sections to path, atomically.
func WriteHTML(path string, sections []Section) error {
	return atomicfile.Write(path, func(w io.Writer) error { return page.Execute(w, sections) })
}
