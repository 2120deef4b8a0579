/** Optimizer updates as tf ops, in the forms tf.train uses (and the reference kernels). */
import type { Kernels } from '../types.js';
import type { ArenaTensors } from './arena.js';

export function optimizerKernels(io: ArenaTensors): Pick<Kernels, 'sgd' | 'momentum' | 'adam' | 'weightDecay' | 'rmsprop'> {
  const tf = io.tf;
  return {
    sgd: (p, g, size, lr) => io.run(() => io.write(p, tf.sub(io.read(p, [size]), tf.mul(io.read(g, [size]), lr)))),
    momentum: (p, g, acc, size, lr, mu, nesterov) =>
      io.run(() => {
        const gt = io.read(g, [size]);
        const a = tf.add(tf.mul(io.read(acc, [size]), mu), gt);
        const step = nesterov ? tf.add(gt, tf.mul(a, mu)) : a;
        io.write(p, tf.sub(io.read(p, [size]), tf.mul(step, lr)));
        io.write(acc, a);
      }),
    adam: (p, g, m, v, size, lr, beta1, beta2, epsilon, t) =>
      io.run(() => {
        const gt = io.read(g, [size]);
        const mt = tf.add(tf.mul(io.read(m, [size]), beta1), tf.mul(gt, 1 - beta1));
        const vt = tf.add(tf.mul(io.read(v, [size]), beta2), tf.mul(tf.square(gt), 1 - beta2));
        const c1 = 1 - Math.pow(beta1, t);
        const c2 = 1 - Math.pow(beta2, t);
        const step = tf.div(tf.mul(mt, lr / c1), tf.add(tf.sqrt(tf.div(vt, c2)), epsilon));
        io.write(p, tf.sub(io.read(p, [size]), step));
        io.write(m, mt);
        io.write(v, vt);
      }),
    weightDecay: (p, size, lr, decay) =>
      io.run(() => {
        const pt = io.read(p, [size]);
        io.write(p, tf.sub(pt, tf.mul(tf.mul(pt, decay), lr)));
      }),
    rmsprop: (p, g, ms, mg, mom, size, lr, rho, momentum, epsilon) =>
      io.run(() => {
        const gt = io.read(g, [size]);
        const st = tf.add(tf.mul(io.read(ms, [size]), rho), tf.mul(tf.square(gt), 1 - rho));
        io.write(ms, st);
        let denominator = tf.add(st, epsilon);
        if (mg >= 0) {
          const at = tf.add(tf.mul(io.read(mg, [size]), rho), tf.mul(gt, 1 - rho));
          io.write(mg, at);
          denominator = tf.add(tf.sub(st, tf.square(at)), epsilon);
        }
        let step = tf.div(tf.mul(gt, lr), tf.sqrt(denominator));
        if (mom >= 0) {
          step = tf.add(tf.mul(io.read(mom, [size]), momentum), step);
          io.write(mom, step);
        }
        io.write(p, tf.sub(io.read(p, [size]), step));
      }),
  };
}
