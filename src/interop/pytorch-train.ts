/**
 * The training half of an exported PyTorch program: the spec's loss, optimizer and schedule as
 * netc computes them, written as Python. Each function here returns source text; the data
 * handling and the loop, which are the same for every spec, are in pytorch-program.ts.
 */
import { resolveOptimizer } from '../ir/optimizers/index.js';
import { RBF_MAP_J } from '../ir/ops/losses.js';
import { SCHEDULE_KINDS, type Schedule, type ScheduleKind, type StepSchedule } from '../runtime/training/schedule.js';
import type { OptimizerSpec } from '../spec/types.js';
import { pyNum } from './pytorch-names.js';

const py = (v: number | boolean) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : pyNum(v));

/** `def loss_fn(scores, labels)`: scores are what the module's forward returns. */
export function lossSource(loss: string, labelSmoothing: number, l2: readonly (readonly [string, number])[]): string {
  const penalty = l2.length > 0 ? ' + l2_penalty(model)' : '';
  const body: Record<string, string> = {
    // netc fuses the output's softmax into the cross-entropy; PyTorch's takes the logits likewise
    categorical_crossentropy:
      labelSmoothing > 0
        ? `    # Keras's label smoothing, as PyTorch's: targets y*(1 - ${pyNum(labelSmoothing)}) + ${pyNum(labelSmoothing)}/classes\n    return F.cross_entropy(scores, labels, label_smoothing=${pyNum(labelSmoothing)})${penalty}`
        : `    return F.cross_entropy(scores, labels)${penalty}`,
    mse: `    return F.mse_loss(probabilities(scores), F.one_hot(labels, CLASSES).float())${penalty}`,
    rbf_map: `    # the 1998 paper's MAP loss (eq. 9) on the RBF penalties: the correct class's penalty plus
    # log(e^-j + sum of e^-penalty), j = ${pyNum(RBF_MAP_J)}
    penalties = -scores
    rubbish = torch.full_like(penalties[:, :1], -${pyNum(RBF_MAP_J)})
    return (penalties.gather(1, labels[:, None]).squeeze(1) + torch.logsumexp(torch.cat([scores, rubbish], 1), 1)).mean()${penalty}`,
  };
  const regularizer =
    l2.length === 0
      ? ''
      : `def l2_penalty(model):
    """Keras's kernel_regularizer=L2(l2): l2 times the sum of the squared weights of these layers."""
    return ${l2.map(([m, v]) => `${pyNum(v)} * model.${m}.weight.square().sum()`).join(' + ')}


`;
  return `${regularizer}def loss_fn(model, scores, labels):
    """The training loss, averaged over the batch, as netc computes it: ${loss}${labelSmoothing > 0 ? ', label smoothing' : ''}${l2.length > 0 ? ', L2 penalties' : ''}."""
${body[loss]}`;
}

/** `def make_optimizer(model)`: the spec's optimizer with netc's hyperparameters and defaults. */
export function optimizerSource(spec: OptimizerSpec | undefined): { source: string; helpers: string[] } {
  const o = resolveOptimizer(spec);
  const h = o.hyper;
  const lr = pyNum(o.learningRate);
  const calls: Record<string, string> = {
    sgd: `torch.optim.SGD(params, lr=${lr})`,
    // TensorFlow's momentum (accum = m*accum + g; p -= lr*accum) is PyTorch's with dampening 0
    momentum: `torch.optim.SGD(params, lr=${lr}, momentum=${py(h.momentum!)}, nesterov=${py(h.nesterov!)})`,
    // PyTorch's Adam adds eps after the bias correction, as tf.train.adam and netc do
    adam: `torch.optim.Adam(params, lr=${lr}, betas=(${py(h.beta1!)}, ${py(h.beta2!)}), eps=${py(h.epsilon!)})`,
    adamw: `torch.optim.AdamW(params, lr=${lr}, betas=(${py(h.beta1!)}, ${py(h.beta2!)}), eps=${py(h.epsilon!)}, weight_decay=${py(h.weight_decay!)})`,
    rmsprop: `KerasRMSprop(params, lr=${lr}, rho=${py(h.rho!)}, momentum=${py(h.momentum!)}, epsilon=${py(h.epsilon!)}, centered=${py(h.centered!)})`,
  };
  const call = calls[o.def.name];
  if (!call) throw new Error(`no PyTorch form of the optimizer '${o.def.name}'`);
  return {
    source: `LEARNING_RATE = ${lr}


def make_optimizer(model):
    """${o.def.summary}, as netc's '${o.def.name}'."""
    params = [p for p in model.parameters() if p.requires_grad]
    return ${call}`,
    helpers: o.def.name === 'rmsprop' ? ['KerasRMSprop'] : [],
  };
}

function setting(kind: ScheduleKind, s: object, key: string): number | boolean {
  const v = (s as Record<string, unknown>)[key];
  return typeof v === 'number' || typeof v === 'boolean' ? v : (SCHEDULE_KINDS[kind].settings[key]!.default as number | boolean);
}

/** `def learning_rate(epoch, batch, batches, epochs)`: netc's schedule (src/runtime/training/schedule.ts) step for step. */
export function scheduleSource(schedule: Schedule | undefined): string {
  const head = (what: string) => `def learning_rate(epoch, batch, batches, epochs):
    """The step size of batch \`batch\` of epoch \`epoch\` (both from 0): ${what}."""`;
  const cosine = `def cosine_between(start, end, fraction):
    return end + (start - end) * (1 + math.cos(math.pi * fraction)) / 2


`;
  if (schedule === undefined) return `${head('constant')}\n    return LEARNING_RATE`;
  if (Array.isArray(schedule)) {
    const steps = [...(schedule as StepSchedule)].sort((a, b) => a[0] - b[0]);
    return `${head('from each epoch listed (counting from 1) on, its rate')}
    rate = LEARNING_RATE
    for start, value in [${steps.map(([e, r]) => `(${e}, ${pyNum(r)})`).join(', ')}]:
        if epoch + 1 >= start:
            rate = value
    return rate`;
  }
  const s = schedule as Exclude<Schedule, StepSchedule>;
  const at = '    step, total = epoch * batches + batch, epochs * batches';
  switch (s.kind) {
    case 'one_cycle':
      return `${cosine}${head("one cycle, as PyTorch's OneCycleLR with cosine annealing")}
${at}
    start = LEARNING_RATE / ${py(setting('one_cycle', s, 'div_factor'))}
    end = start / ${py(setting('one_cycle', s, 'final_div_factor'))}
    peak = ${py(setting('one_cycle', s, 'pct_start'))} * total - 1
    if step <= peak:
        return cosine_between(start, LEARNING_RATE, 1 if peak <= 0 else step / peak)
    down = total - 1 - peak
    return cosine_between(LEARNING_RATE, end, 1 if down <= 0 else min(1, (step - peak) / down))`;
    case 'cosine':
      return `${cosine}${head("linear warm-up, then cosine decay, as Keras's CosineDecay")}
${at}
    warmup = math.floor(${py(setting('cosine', s, 'warmup_epochs'))} * batches + 0.5)  # rounded half up, as netc
    if step < warmup:
        return LEARNING_RATE * (step + 1) / warmup
    decaying = total - warmup
    return cosine_between(LEARNING_RATE, ${py(setting('cosine', s, 'alpha'))} * LEARNING_RATE, 1 if decaying <= 1 else (step - warmup) / (decaying - 1))`;
    case 'exponential':
      return `${head(`times ${pyNum(s.decay)} per epoch${s.staircase ? ', changed between epochs only' : ''}`)}
    return LEARNING_RATE * ${pyNum(s.decay)} ** ${s.staircase ? 'epoch' : '(epoch + batch / batches)'}`;
  }
}
