/**
 * A parameter's initializer in the IR. The runtime's `Init` is the one type of initializer: a
 * layer declares it, the param node carries it as attributes (IR attributes are flat values, so
 * that the printer, the verifier and the passes treat them like any other), and the emitter
 * turns the attributes back into the `Init` the generated module hands the runtime. The two
 * directions live here, side by side, so they cannot drift apart.
 */
import type { Init } from '../runtime/model.js';
import type { Attrs } from './types.js';

/** The attributes `init`, and `fan_in`, `limit`, ... as the kind needs. */
export function initToAttrs(init: Init): Attrs {
  switch (init.kind) {
    case 'glorot_uniform':
      return { init: init.kind, fan_in: init.fanIn, fan_out: init.fanOut };
    case 'uniform':
      return { init: init.kind, limit: init.limit };
    case 'constant':
      return { init: init.kind, value: init.value };
    case 'values':
      return { init: init.kind, values: [...init.values] };
    case 'connections':
      return { init: init.kind, table: init.table.map((t) => [...t]) };
    default:
      return { init: init.kind };
  }
}

/** The `Init` a param node's attributes describe. */
export function initFromAttrs(a: Attrs): Init {
  switch (a.init) {
    case 'glorot_uniform':
      return { kind: a.init, fanIn: a.fan_in as number, fanOut: a.fan_out as number };
    case 'uniform':
      return { kind: a.init, limit: a.limit as number };
    case 'constant':
      return { kind: a.init, value: a.value as number };
    case 'values':
      return { kind: a.init, values: a.values as number[] };
    case 'connections':
      return { kind: a.init, table: a.table as number[][] };
    case 'zeros':
    case 'ones':
      return { kind: a.init };
    default:
      throw new Error(`unknown initializer '${String(a.init)}'`);
  }
}
