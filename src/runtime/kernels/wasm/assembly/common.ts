// Shared by the AssemblyScript kernels: where the arena is, how work splits over threads,
// and storing a partial vector.

/** Byte address of the arena's element 0; tensors are float offsets from it. */
export let ARENA: usize = 0;

export function setArena(base: usize): void {
  ARENA = base;
}

/** The byte address of float offset `off` in the arena. */
// @ts-ignore: decorator
@inline export function at(off: i32): usize {
  return ARENA + (<usize>off << 2);
}

/** Thread t of T takes items [lo(n, t, T), lo(n, t + 1, T)). */
// @ts-ignore: decorator
@inline export function lo(n: i32, t: i32, T: i32): i32 {
  return <i32>((<i64>n * <i64>t) / <i64>T);
}

/** Store the first `count` (1 to 4) lanes of v at p. */
// @ts-ignore: decorator
@inline export function storeLanes(p: usize, v: v128, count: i32): void {
  if (count >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p + 4, f32x4.extract_lane(v, 1));
  if (count > 2) store<f32>(p + 8, f32x4.extract_lane(v, 2));
}

/**
 * acc + a·b: one fused multiply-add where the engine offers relaxed SIMD (the kernels are built
 * twice, with and without it: npm run build:kernels), a multiply and an add otherwise.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** ⌊a / b⌋ for b > 0 (i32 division truncates toward zero, which differs for a < 0). */
// @ts-ignore: decorator
@inline export function floorDiv(a: i32, b: i32): i32 {
  return a >= 0 ? a / b : -((b - 1 - a) / b);
}
