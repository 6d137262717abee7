package tensorfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/edge-of-stability/eos/internal/atomicfile"
)

// npyMagic opens every .npy file.
const npyMagic = "\x93NUMPY"

// npyAlign is the multiple of bytes the .npy preamble (magic, version, header
// length and header) is padded to.
const npyAlign = 64

// npyElemSize returns the byte size of one element of a supported .npy descr.
func npyElemSize(descr string) (int, error) {
	switch descr {
	case "<f4":
		return 4, nil
	case "<f8":
		return 8, nil
	}
	return 0, fmt.Errorf("unsupported dtype %q (want '<f4' or '<f8')", descr)
}

// WriteNPY writes data, of the given shape in C (row-major) order, to path as
// a .npy file of dtype "<f4" or "<f8", atomically. The header is format
// version 1.0 unless it is too long for that version's 16-bit length, then 2.0.
func WriteNPY(path string, dtype string, shape []int, data []float64) error {
	size, err := npyElemSize(dtype)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	n, err := numElements(shape, maxElements)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if n != len(data) {
		return fmt.Errorf("writing %s: shape %v needs %d values, have %d", path, shape, n, len(data))
	}
	header := npyHeader(dtype, shape, 0)
	return atomicfile.Write(path, func(w io.Writer) error {
		if _, err := w.Write(header); err != nil {
			return err
		}
		return writeFloats(w, size, data)
	})
}

// npyHeader returns the .npy preamble for a C-order array: magic, version,
// header length and the header dict padded with spaces and a final newline.
// With total 0 the padding is NumPy's: the fewest spaces (at least one) that
// make the preamble a multiple of 64 bytes. With total > 0 the preamble is
// padded to exactly total bytes, which must be a multiple of 64 and at least
// the unpadded length (the appender uses this to keep its header size fixed).
func npyHeader(descr string, shape []int, total int) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, pyTuple(shape))
	prefix := 10                      // magic, 2 version bytes, uint16 length
	if len(dict)+1+npyAlign > 65535 { // may not fit version 1.0's length once padded
		prefix = 12 // version 2.0: uint32 length
	}
	if total == 0 {
		unpadded := prefix + len(dict) + 1
		total = unpadded + npyAlign - unpadded%npyAlign // 1 to 64 spaces, as NumPy pads
	}
	var b bytes.Buffer
	b.WriteString(npyMagic)
	hlen := total - prefix
	if prefix == 10 {
		b.Write([]byte{1, 0})
		b.Write(binary.LittleEndian.AppendUint16(nil, uint16(hlen)))
	} else {
		b.Write([]byte{2, 0})
		b.Write(binary.LittleEndian.AppendUint32(nil, uint32(hlen)))
	}
	b.WriteString(dict)
	for b.Len() < total-1 {
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// pyTuple formats shape as Python's repr of a tuple of ints: (), (3,), (3, 4).
func pyTuple(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// ReadNPY reads a .npy file of dtype '<f4' or '<f8' (format version 1, 2 or
// 3), returning its shape and its data in C order (Fortran-order files are
// transposed on read). As in NumPy, bytes after the data the shape calls for
// are ignored: an NPYAppender's file read after a crash yields the rows its
// header recorded.
func ReadNPY(path string) (shape []int, data []float64, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading npy: %w", err)
	}
	shape, data, err = parseNPY(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("reading npy %s: %w", path, err)
	}
	return shape, data, nil
}

// parseNPY decodes a whole .npy file held in raw.
func parseNPY(raw []byte) ([]int, []float64, error) {
	h, start, err := parseNPYPreamble(raw)
	if err != nil {
		return nil, nil, err
	}
	size, err := npyElemSize(h.descr)
	if err != nil {
		return nil, nil, err
	}
	n, err := numElements(h.shape, maxElements)
	if err != nil {
		return nil, nil, fmt.Errorf("bad header: %w", err)
	}
	body := raw[start:]
	if int64(len(body)) < int64(n)*int64(size) {
		return nil, nil, fmt.Errorf("truncated data: shape %v needs %d bytes, file has %d", h.shape, n*size, len(body))
	}
	data := decodeFloats(body[:n*size], size)
	if h.fortran {
		data = fortranToC(h.shape, data)
	}
	return h.shape, data, nil
}

// parseNPYPreamble decodes the magic, version and header dict at the start
// of raw and returns the dict and the offset where the data begins.
func parseNPYPreamble(raw []byte) (npyDict, int, error) {
	if len(raw) < 10 || string(raw[:6]) != npyMagic {
		return npyDict{}, 0, errors.New("not a .npy file: missing \\x93NUMPY magic")
	}
	var hlen, start int
	switch raw[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(raw[8:])), 10
	case 2, 3:
		if len(raw) < 12 {
			return npyDict{}, 0, errors.New("truncated header")
		}
		hlen, start = int(binary.LittleEndian.Uint32(raw[8:])), 12
	default:
		return npyDict{}, 0, fmt.Errorf("unsupported format version %d.%d", raw[6], raw[7])
	}
	if hlen > len(raw)-start {
		return npyDict{}, 0, fmt.Errorf("truncated header: needs %d bytes, file has %d after the preamble", hlen, len(raw)-start)
	}
	h, err := parseNPYDict(string(raw[start : start+hlen]))
	if err != nil {
		return npyDict{}, 0, fmt.Errorf("bad header: %w", err)
	}
	return h, start + hlen, nil
}

// fortranToC reorders column-major data of the given shape into row-major.
func fortranToC(shape []int, data []float64) []float64 {
	out := make([]float64, len(data))
	strides := make([]int, len(shape)) // Fortran strides, in elements
	s := 1
	for k, d := range shape {
		strides[k] = s
		s *= d
	}
	idx := make([]int, len(shape))
	for i := range out {
		off := 0
		for k, v := range idx {
			off += v * strides[k]
		}
		out[i] = data[off]
		for k := len(idx) - 1; k >= 0; k-- { // advance the C-order odometer
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}
