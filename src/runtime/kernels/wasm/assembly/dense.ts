// Matrix products for dense layers, row-major, in 4 × 8 register tiles (8 vector accumulators;
// per reduction step 4 broadcast loads and 2 vector loads feed 16 multiply-adds). The kernel
// table (../index.ts) makes dense, denseGradInput and denseGradWeight of gemm, transpose and gemmTN.
import { at, lo, madd, storeLanes } from './common';
import { ACT_SIGMOID, activateLater, vactCore } from './math';

/**
 * c[m, :] = act(a[m, :] · b + bias) for rows m of this thread; a is [M, K] (row stride lda),
 * b is [K, N] (row stride ldb), c is [M, N] (row stride ldc). bias < 0: none.
 */
export function gemm(a: i32, lda: i32, b: i32, ldb: i32, c: i32, ldc: i32, M: i32, N: i32, K: i32, bias: i32, act: i32, alpha: f32, t: i32, T: i32): void {
  const m1 = lo(M, t + 1, T);
  const bstep = <usize>ldb << 2;
  const astep = <usize>lda << 2;
  let m = lo(M, t, T);
  for (; m < m1; m += 4) {
    const rows = min(4, m1 - m);
    for (let n = 0; n < N; n += 8) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      let bp = at(b + n);
      const ap = at(a + m * lda);
      // rows beyond the thread's range read row m again (valid memory), and are not stored
      const s1: usize = rows > 1 ? astep : 0;
      const s2: usize = rows > 2 ? 2 * astep : 0;
      const s3: usize = rows > 3 ? 3 * astep : 0;
      for (let k = 0; k < K; k++) {
        const w0 = v128.load(bp);
        const w1 = v128.load(bp, 16);
        const p = ap + (<usize>k << 2);
        const x0 = v128.load32_splat(p);
        const x1 = v128.load32_splat(p + s1);
        const x2 = v128.load32_splat(p + s2);
        const x3 = v128.load32_splat(p + s3);
        a0 = madd(x0, w0, a0);
        a1 = madd(x1, w0, a1);
        a2 = madd(x2, w0, a2);
        a3 = madd(x3, w0, a3);
        b0 = madd(x0, w1, b0);
        b1 = madd(x1, w1, b1);
        b2 = madd(x2, w1, b2);
        b3 = madd(x3, w1, b3);
        bp += bstep;
      }
      const n0 = min(4, N - n);
      const n1 = N - n - 4;
      const bv0 = bias >= 0 ? v128.load(at(bias + n)) : f32x4.splat(0);
      const bv1 = bias >= 0 && n1 > 0 ? v128.load(at(bias + n + 4)) : f32x4.splat(0);
      const cp = at(c + m * ldc + n);
      const cstep = <usize>ldc << 2;
      storeLanes(cp, vactCore(f32x4.add(a0, bv0), act), n0);
      if (n1 > 0) storeLanes(cp + 16, vactCore(f32x4.add(b0, bv1), act), min(4, n1));
      if (rows > 1) {
        storeLanes(cp + cstep, vactCore(f32x4.add(a1, bv0), act), n0);
        if (n1 > 0) storeLanes(cp + cstep + 16, vactCore(f32x4.add(b1, bv1), act), min(4, n1));
      }
      if (rows > 2) {
        storeLanes(cp + 2 * cstep, vactCore(f32x4.add(a2, bv0), act), n0);
        if (n1 > 0) storeLanes(cp + 2 * cstep + 16, vactCore(f32x4.add(b2, bv1), act), min(4, n1));
      }
      if (rows > 3) {
        storeLanes(cp + 3 * cstep, vactCore(f32x4.add(a3, bv0), act), n0);
        if (n1 > 0) storeLanes(cp + 3 * cstep + 16, vactCore(f32x4.add(b3, bv1), act), min(4, n1));
      }
    }
    // a later activation (vactCore left the rows linear), while they are in cache
    if (act > ACT_SIGMOID) for (let q = 0; q < rows; q++) activateLater(c + (m + q) * ldc, c + (m + q) * ldc, N, act, alpha);
  }
}

/**
 * c[m, :] = Σ_r a[r, m] · b[r, :] — c = aᵀ·b, for rows m of this thread; a is [R, M] (stride
 * lda), b is [R, N] (stride ldb). The weight gradient of a dense layer: threads split its rows,
 * so each entry is one thread's sum in one order.
 */
export function gemmTN(a: i32, lda: i32, b: i32, ldb: i32, c: i32, ldc: i32, M: i32, N: i32, R: i32, t: i32, T: i32): void {
  const m1 = lo(M, t + 1, T);
  const astep = <usize>lda << 2;
  const bstep = <usize>ldb << 2;
  for (let m = lo(M, t, T); m < m1; m += 4) {
    const rows = min(4, m1 - m);
    const s1: usize = rows > 1 ? 4 : 0;
    const s2: usize = rows > 2 ? 8 : 0;
    const s3: usize = rows > 3 ? 12 : 0;
    for (let n = 0; n < N; n += 8) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0);
      let ap = at(a + m);
      let bp = at(b + n);
      for (let r = 0; r < R; r++) {
        const z0 = v128.load(bp);
        const z1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(ap);
        const x1 = v128.load32_splat(ap + s1);
        const x2 = v128.load32_splat(ap + s2);
        const x3 = v128.load32_splat(ap + s3);
        a0 = madd(x0, z0, a0);
        a1 = madd(x1, z0, a1);
        a2 = madd(x2, z0, a2);
        a3 = madd(x3, z0, a3);
        b0 = madd(x0, z1, b0);
        b1 = madd(x1, z1, b1);
        b2 = madd(x2, z1, b2);
        b3 = madd(x3, z1, b3);
        ap += astep;
        bp += bstep;
      }
      const n0 = min(4, N - n);
      const n1 = N - n - 4;
      const cp = at(c + m * ldc + n);
      const cstep = <usize>ldc << 2;
      storeLanes(cp, a0, n0);
      if (n1 > 0) storeLanes(cp + 16, b0, min(4, n1));
      if (rows > 1) {
        storeLanes(cp + cstep, a1, n0);
        if (n1 > 0) storeLanes(cp + cstep + 16, b1, min(4, n1));
      }
      if (rows > 2) {
        storeLanes(cp + 2 * cstep, a2, n0);
        if (n1 > 0) storeLanes(cp + 2 * cstep + 16, b2, min(4, n1));
      }
      if (rows > 3) {
        storeLanes(cp + 3 * cstep, a3, n0);
        if (n1 > 0) storeLanes(cp + 3 * cstep + 16, b3, min(4, n1));
      }
    }
  }
}

/** bt[n, k] = b[k, n] for a [K, N] matrix; threads split the rows of bt. */
export function transpose(b: i32, bt: i32, K: i32, N: i32, t: i32, T: i32): void {
  const n1 = lo(N, t + 1, T);
  for (let n = lo(N, t, T); n < n1; n++) for (let k = 0; k < K; k++) store<f32>(at(bt + n * K + k), load<f32>(at(b + k * N + n)));
}
