//go:build !purego && (amd64 || arm64)

package asm

// simdMaxPool wraps a kernel that pools rows output rows of n outputs (n a
// positive multiple of width; output rows ldy apart) into a MaxPool2x2: the
// kernel takes the whole vectors of every row, maxPoolRowGo32 the columns
// past them.
func simdMaxPool(width int, kern func(x *float32, w int, y *float32, idx *int32, ldy, rows, n, base int)) MaxPool2x2 {
	return func(x []float32, w int, y []float32, idx []int32, ow, rows, base int) {
		if rows <= 0 || ow <= 0 {
			return
		}
		_, _, _ = x[(2*rows-1)*w+2*ow-1], y[rows*ow-1], idx[rows*ow-1]
		body := ow - ow%width
		if body > 0 {
			kern(&x[0], w, &y[0], &idx[0], ow, rows, body, base)
		}
		if body == ow {
			return
		}
		for r := range rows {
			at := r*ow + body
			maxPoolRowGo32(x[2*r*w+2*body:], w, y[at:(r+1)*ow], idx[at:(r+1)*ow], int32(base+2*r*w+2*body))
		}
	}
}
