package tensorfile

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/edge-of-stability/eos/internal/atomicfile"
)

// maxHeaderSize is the largest safetensors JSON header accepted on read (the
// reference implementation's limit).
const maxHeaderSize = 100_000_000

// metadataKey is the reserved header entry holding string metadata.
const metadataKey = "__metadata__"

// WriteSafetensors writes tensors, in the given order, and metadata (may be
// nil) to path in the safetensors format, atomically. Every tensor needs a
// unique non-empty name, dtype F32 or F64, and len(Data) equal to the product
// of Shape; F32 data is rounded to float32.
func WriteSafetensors(path string, tensors []Tensor, metadata map[string]string) error {
	header, err := safetensorsHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
		if _, err := w.Write(n[:]); err != nil {
			return err
		}
		if _, err := w.Write(header); err != nil {
			return err
		}
		for _, t := range tensors {
			if t.DType == "I64" {
				if err := writeInts(w, t.Data); err != nil {
					return err
				}
				continue
			}
			size, _ := dtypeSize(t.DType) // validated by safetensorsHeader
			if err := writeFloats(w, size, t.Data); err != nil {
				return err
			}
		}
		return nil
	})
}

// safetensorsHeader validates tensors and builds the JSON header, entries in
// tensor order followed by the metadata (keys sorted), space-padded to a
// multiple of 8 bytes.
func safetensorsHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	seen := make(map[string]bool, len(tensors))
	var offset int64
	for i, t := range tensors {
		if t.Name == "" || t.Name == metadataKey {
			return nil, fmt.Errorf("tensor %d: invalid name %q", i, t.Name)
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		size, err := dtypeSize(t.DType)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		n, err := numElements(t.Shape, maxElements)
		if err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		if n != len(t.Data) {
			return nil, fmt.Errorf("tensor %q: shape %v needs %d values, have %d", t.Name, t.Shape, n, len(t.Data))
		}
		end := offset + int64(n)*int64(size)
		entry := struct {
			DType       string  `json:"dtype"`
			Shape       []int   `json:"shape"`
			DataOffsets []int64 `json:"data_offsets"`
		}{t.DType, shapeOrEmpty(t.Shape), []int64{offset, end}}
		if err := writeJSONEntry(&b, i > 0, t.Name, entry); err != nil {
			return nil, err
		}
		offset = end
	}
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var m bytes.Buffer
		m.WriteByte('{')
		for i, k := range keys {
			if err := writeJSONEntry(&m, i > 0, k, metadata[k]); err != nil {
				return nil, err
			}
		}
		m.WriteByte('}')
		if err := writeJSONEntry(&b, len(tensors) > 0, metadataKey, json.RawMessage(m.Bytes())); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}

// shapeOrEmpty makes a scalar's nil shape encode as [] rather than null.
func shapeOrEmpty(shape []int) []int {
	if shape == nil {
		return []int{}
	}
	return shape
}

// writeJSONEntry appends `"key":value` to an object being built in b,
// preceded by a comma when comma is set.
func writeJSONEntry(b *bytes.Buffer, comma bool, key string, value any) error {
	k, err := json.Marshal(key)
	if err != nil {
		return err
	}
	v, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encoding header entry %s: %w", k, err)
	}
	if comma {
		b.WriteByte(',')
	}
	b.Write(k)
	b.WriteByte(':')
	b.Write(v)
	return nil
}

// ReadSafetensors reads a safetensors file, returning its tensors in the
// order their data appears in the file and its metadata (nil when absent).
// The file is validated strictly: a truncated file, an oversized or malformed
// header, duplicate names, dtypes other than F32/F64, data offsets that are
// out of range, overlap or leave gaps, and byte lengths that disagree with a
// tensor's shape are each reported as an error.
func ReadSafetensors(path string) ([]Tensor, map[string]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading safetensors: %w", err)
	}
	tensors, meta, err := parseSafetensors(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("reading safetensors %s: %w", path, err)
	}
	return tensors, meta, nil
}

// headerEntry is one tensor's description in a safetensors header.
type headerEntry struct {
	DType       string   `json:"dtype"`
	Shape       *[]int   `json:"shape"`
	DataOffsets *[]int64 `json:"data_offsets"`
}

// located is a tensor whose data range within the data section is known.
type located struct {
	Tensor
	begin, end int64
}

// parseSafetensors decodes and validates a whole safetensors file held in raw.
func parseSafetensors(raw []byte) ([]Tensor, map[string]string, error) {
	if len(raw) < 8 {
		return nil, nil, fmt.Errorf("truncated file: %d bytes, need at least 8 for the header length", len(raw))
	}
	n := binary.LittleEndian.Uint64(raw)
	if n > maxHeaderSize {
		return nil, nil, fmt.Errorf("header too large: %d bytes (limit %d)", n, maxHeaderSize)
	}
	if n > uint64(len(raw)-8) {
		return nil, nil, fmt.Errorf("truncated file: header needs %d bytes, only %d follow the length", n, len(raw)-8)
	}
	header, data := raw[8:8+n], raw[8+n:]
	entries, meta, err := parseHeader(header)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLayout(entries, int64(len(data))); err != nil {
		return nil, nil, err
	}
	tensors := make([]Tensor, len(entries))
	for i, e := range entries {
		size, _ := dtypeSize(e.DType) // validated by parseHeader
		if e.DType == "I64" {
			e.Data = decodeInts(data[e.begin:e.end])
		} else {
			e.Data = decodeFloats(data[e.begin:e.end], size)
		}
		tensors[i] = e.Tensor
	}
	return tensors, meta, nil
}

// parseHeader decodes the JSON header into tensor entries (in header order,
// without data) and metadata, checking each entry on its own.
func parseHeader(header []byte) ([]located, map[string]string, error) {
	dec := json.NewDecoder(bytes.NewReader(header))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("bad JSON header: not an object")
	}
	var entries []located
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("bad JSON header: %w", err)
		}
		name := tok.(string) // object keys are always strings
		if seen[name] {
			return nil, nil, fmt.Errorf("duplicate name %q in header", name)
		}
		seen[name] = true
		if name == metadataKey {
			if err := dec.Decode(&meta); err != nil {
				return nil, nil, fmt.Errorf("bad JSON header: %s must map strings to strings: %w", metadataKey, err)
			}
			continue
		}
		var e headerEntry
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("bad JSON header: tensor %q: %w", name, err)
		}
		t, err := checkEntry(name, e)
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, t)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("bad JSON header: %w", err)
	}
	if rest := header[dec.InputOffset():]; len(bytes.TrimRight(rest, " \t\r\n")) != 0 {
		return nil, nil, fmt.Errorf("bad JSON header: %d unexpected bytes after the object", len(rest))
	}
	return entries, meta, nil
}

// checkEntry validates one header entry on its own: fields present, dtype
// supported, offsets ordered, and byte length matching shape × dtype size.
func checkEntry(name string, e headerEntry) (located, error) {
	if e.DType == "" || e.Shape == nil || e.DataOffsets == nil {
		return located{}, fmt.Errorf("bad JSON header: tensor %q needs dtype, shape and data_offsets", name)
	}
	size, err := dtypeSize(e.DType)
	if err != nil {
		return located{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	off := *e.DataOffsets
	if len(off) != 2 || off[0] < 0 || off[1] < off[0] {
		return located{}, fmt.Errorf("tensor %q: data_offsets %v out of range: want [begin, end] with 0 <= begin <= end", name, off)
	}
	elems, err := numElements(*e.Shape, maxElements)
	if err != nil {
		return located{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	if want := int64(elems) * int64(size); off[1]-off[0] != want {
		return located{}, fmt.Errorf("tensor %q: shape %v × %s size %d = %d bytes, but data_offsets %v span %d",
			name, *e.Shape, e.DType, size, want, off, off[1]-off[0])
	}
	return located{Tensor: Tensor{Name: name, DType: e.DType, Shape: *e.Shape}, begin: off[0], end: off[1]}, nil
}

// checkLayout sorts entries into file order and checks that their data ranges
// tile the data section of dataLen bytes exactly: in range, without overlaps,
// gaps or trailing bytes.
func checkLayout(entries []located, dataLen int64) error {
	slices.SortStableFunc(entries, func(a, b located) int {
		if c := cmp.Compare(a.begin, b.begin); c != 0 {
			return c
		}
		return cmp.Compare(a.end, b.end)
	})
	var pos int64
	for _, e := range entries {
		if e.end > dataLen {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] out of range: data section has %d bytes", e.Name, e.begin, e.end, dataLen)
		}
		if e.begin < pos {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] overlap the previous tensor, which ends at %d", e.Name, e.begin, e.end, pos)
		}
		if e.begin > pos {
			return fmt.Errorf("tensor %q: data_offsets [%d, %d] leave a gap after byte %d", e.Name, e.begin, e.end, pos)
		}
		pos = e.end
	}
	if pos != dataLen {
		return fmt.Errorf("data section has %d bytes but tensors cover only %d", dataLen, pos)
	}
	return nil
}
