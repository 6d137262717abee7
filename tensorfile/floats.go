package tensorfile

import (
	"encoding/binary"
	"io"
	"math"
)

// writeFloats writes data little-endian with size bytes per element (4 rounds
// each value to float32, 8 writes it unchanged).
func writeFloats(w io.Writer, size int, data []float64) error {
	const chunk = 4096
	buf := make([]byte, 0, chunk*size)
	for len(data) > 0 {
		n := min(chunk, len(data))
		buf = buf[:0]
		for _, v := range data[:n] {
			if size == 4 {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(v)))
			} else {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// decodeFloats converts little-endian elements of size bytes (4 or 8) to
// float64; len(b) must be a multiple of size.
func decodeFloats(b []byte, size int) []float64 {
	out := make([]float64, len(b)/size)
	for i := range out {
		if size == 4 {
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		} else {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
	}
	return out
}

// writeInts writes data, which must hold integers, as little-endian int64s.
func writeInts(w io.Writer, data []float64) error {
	buf := make([]byte, 0, 8*len(data))
	for _, v := range data {
		buf = binary.LittleEndian.AppendUint64(buf, uint64(int64(v)))
	}
	_, err := w.Write(buf)
	return err
}

// decodeInts converts little-endian int64s to float64.
func decodeInts(b []byte) []float64 {
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = float64(int64(binary.LittleEndian.Uint64(b[8*i:])))
	}
	return out
}
