// Data augmentation: each image sampled bilinearly at an affine map of its pixel grid, zero
// outside (the reference is src/runtime/kernels/reference/augment.ts). Threads split the batch
// by image.
import { at, lo } from './common';

/** y [n,H,W,C] = x warped by warps[6i ..] = (ax, bx, cx, ay, by, cy) for image i. */
export function affineWarp(x: i32, y: i32, warps: i32, n: i32, H: i32, W: i32, C: i32, t: i32, T: i32): void {
  const size = H * W * C;
  const i1 = lo(n, t + 1, T);
  for (let i = lo(n, t, T); i < i1; i++) {
    const m = at(warps + i * 6);
    warpImage(at(x + i * size), at(y + i * size), H, W, C, load<f32>(m), load<f32>(m, 4), load<f32>(m, 8), load<f32>(m, 12), load<f32>(m, 16), load<f32>(m, 20));
  }
}

function warpImage(src: usize, dst: usize, H: i32, W: i32, C: i32, ax: f32, bx: f32, cx: f32, ay: f32, by: f32, cy: f32): void {
  const row = <usize>(W * C) << 2;
  const pixel = <usize>C << 2;
  const right = <f32>(W - 1);
  const bottom = <f32>(H - 1);
  let out = dst;
  for (let yi = 0; yi < H; yi++) {
    const fy0 = <f32>yi;
    for (let xi = 0; xi < W; xi++, out += pixel) {
      const fx0 = <f32>xi;
      const sx = ax * fx0 + bx * fy0 + cx;
      const sy = ay * fx0 + by * fy0 + cy;
      if (sx >= 0 && sy >= 0 && sx < right && sy < bottom) {
        // inside: all four neighbours are pixels
        const x0 = <i32>sx; // truncation is the floor here: sx ≥ 0
        const y0 = <i32>sy;
        const fx = sx - <f32>x0;
        const fy = sy - <f32>y0;
        const p = src + <usize>y0 * row + <usize>x0 * pixel;
        for (let k: usize = 0; k < pixel; k += 4) {
          const a = load<f32>(p + k);
          const b = load<f32>(p + pixel + k);
          const d = load<f32>(p + row + k);
          const e = load<f32>(p + row + pixel + k);
          const top = a + fx * (b - a);
          store<f32>(out + k, top + fy * (d + fx * (e - d) - top));
        }
      } else if (sx > -1 && sy > -1 && sx < <f32>W && sy < <f32>H) edge(src, out, H, W, C, sx, sy);
      else memory.fill(out, 0, pixel); // every neighbour outside: background
    }
  }
}

/** A pixel at the border: the neighbours outside the image count as 0. */
function edge(src: usize, out: usize, H: i32, W: i32, C: i32, sx: f32, sy: f32): void {
  const fx0 = Mathf.floor(sx);
  const fy0 = Mathf.floor(sy);
  const x0 = <i32>fx0;
  const y0 = <i32>fy0;
  const fx = sx - fx0;
  const fy = sy - fy0;
  const left = x0 >= 0;
  const right = x0 + 1 < W;
  const up = y0 >= 0;
  const down = y0 + 1 < H;
  for (let k = 0; k < C; k++) {
    const a: f32 = left && up ? load<f32>(src + ((<usize>(y0 * W + x0) * C + k) << 2)) : 0;
    const b: f32 = right && up ? load<f32>(src + ((<usize>(y0 * W + x0 + 1) * C + k) << 2)) : 0;
    const d: f32 = left && down ? load<f32>(src + ((<usize>((y0 + 1) * W + x0) * C + k) << 2)) : 0;
    const e: f32 = right && down ? load<f32>(src + ((<usize>((y0 + 1) * W + x0 + 1) * C + k) << 2)) : 0;
    const top = a + fx * (b - a);
    store<f32>(out + (<usize>k << 2), top + fy * (d + fx * (e - d) - top));
  }
}
