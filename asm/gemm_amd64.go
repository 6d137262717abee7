//go:build !purego

package asm

// gemm_amd64.s, the eight micro-kernels declared below, and pack_amd64.s, the
// transposes and row copies declared below, are generated with avo by asm/gen,
// a nested module (so avo is not a dependency of eos), as are the other
// *_amd64.s files: after changing the generator, run `go generate ./asm` and
// commit both; `make check-generate` fails if a committed file is not what
// asm/gen writes.
//
//go:generate go run -C gen . -file gemm -out ../gemm_amd64.s
//go:generate go run -C gen . -file pack -out ../pack_amd64.s

import "unsafe"

// Tiles of the amd64 micro-kernels: rows × columns, two vectors per row.
const (
	avx512MR, avx512NR32, avx512NR64 = 8, 32, 16
	avx2MR, avx2NR32, avx2NR64       = 6, 16, 8
)

var (
	_ = sgemm.register("avx512", Kernel[float32]{Level: "avx512", MR: avx512MR, NR: avx512NR32,
		Run: sgemmAVX512, RunHalf: sgemmAVX512Half, Transpose: transpose8F32, TransposeRows: 8, PackRows: packRows128[float32]})
	_ = dgemm.register("avx512", Kernel[float64]{Level: "avx512", MR: avx512MR, NR: avx512NR64,
		Run: dgemmAVX512, RunHalf: dgemmAVX512Half, Transpose: transpose4F64, TransposeRows: 4, PackRows: packRows128[float64]})
	_ = sgemm.register("avx2", Kernel[float32]{Level: "avx2", MR: avx2MR, NR: avx2NR32,
		Run: sgemmAVX2, RunHalf: sgemmAVX2Half, Transpose: transpose4F32, TransposeRows: 4, PackRows: packRows64[float32]})
	_ = dgemm.register("avx2", Kernel[float64]{Level: "avx2", MR: avx2MR, NR: avx2NR64,
		Run: dgemmAVX2, RunHalf: dgemmAVX2Half, Transpose: transpose4F64, TransposeRows: 4, PackRows: packRows64[float64]})
)

// sgemmAVX512 is the AVX-512F float32 micro-kernel (8×32; see Kernel.Run).
//
//go:noescape
func sgemmAVX512(k int, a, b, c *float32, ldc int, alpha, beta float32)

// sgemmAVX512Half is sgemmAVX512 on the first 16 columns (see Kernel.RunHalf).
//
//go:noescape
func sgemmAVX512Half(k int, a, b, c *float32, ldc int, alpha, beta float32)

// dgemmAVX512 is the AVX-512F float64 micro-kernel (8×16; see Kernel.Run).
//
//go:noescape
func dgemmAVX512(k int, a, b, c *float64, ldc int, alpha, beta float64)

// dgemmAVX512Half is dgemmAVX512 on the first 8 columns (see Kernel.RunHalf).
//
//go:noescape
func dgemmAVX512Half(k int, a, b, c *float64, ldc int, alpha, beta float64)

// sgemmAVX2 is the AVX2+FMA float32 micro-kernel (6×16; see Kernel.Run).
//
//go:noescape
func sgemmAVX2(k int, a, b, c *float32, ldc int, alpha, beta float32)

// sgemmAVX2Half is sgemmAVX2 on the first 8 columns (see Kernel.RunHalf).
//
//go:noescape
func sgemmAVX2Half(k int, a, b, c *float32, ldc int, alpha, beta float32)

// dgemmAVX2 is the AVX2+FMA float64 micro-kernel (6×8; see Kernel.Run).
//
//go:noescape
func dgemmAVX2(k int, a, b, c *float64, ldc int, alpha, beta float64)

// dgemmAVX2Half is dgemmAVX2 on the first 4 columns (see Kernel.RunHalf).
//
//go:noescape
func dgemmAVX2Half(k int, a, b, c *float64, ldc int, alpha, beta float64)

// transpose8F32 packs eight float32 rows into columns (see Kernel.Transpose).
//
//go:noescape
func transpose8F32(dst *float32, dstStride int, src *float32, ld int, blocks int)

// transpose4F32 packs four float32 rows into columns (see Kernel.Transpose).
//
//go:noescape
func transpose4F32(dst *float32, dstStride int, src *float32, ld int, blocks int)

// transpose4F64 packs four float64 rows into columns (see Kernel.Transpose).
//
//go:noescape
func transpose4F64(dst *float64, dstStride int, src *float64, ld int, blocks int)

// packRows128 copies kb rows of 128 bytes (an AVX-512 panel row) from src,
// leading dimension ld, to dst (see Kernel.PackRows).
func packRows128[E Elem](dst, src *E, ld, kb int) {
	copyRows128(unsafe.Pointer(dst), unsafe.Pointer(src), ld*int(unsafe.Sizeof(*src)), kb)
}

// packRows64 copies kb rows of 64 bytes (an AVX2 panel row) from src,
// leading dimension ld, to dst (see Kernel.PackRows).
func packRows64[E Elem](dst, src *E, ld, kb int) {
	copyRows64(unsafe.Pointer(dst), unsafe.Pointer(src), ld*int(unsafe.Sizeof(*src)), kb)
}

// copyRows64 copies rows rows of 64 bytes, ldBytes apart in src, to dst.
//
//go:noescape
func copyRows64(dst, src unsafe.Pointer, ldBytes, rows int)

// copyRows128 copies rows rows of 128 bytes, ldBytes apart in src, to dst.
//
//go:noescape
func copyRows128(dst, src unsafe.Pointer, ldBytes, rows int)
