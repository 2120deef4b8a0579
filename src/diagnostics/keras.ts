/**
 * Names a person brings from Keras. Two tables: Keras's name for something netc has under another
 * name (suggested whatever the edit distance), and names of functions, layers and optimizers that
 * netc does not have and that are not typos of one it has (`selu` is not a misspelt `elu`, nor
 * `nadam` of `adam`): for those, no "did you mean".
 */

/** Keras's name (compared without case) → netc's, for layers, arguments, activations, optimizers, losses. */
export const KERAS_NAMES: Readonly<Record<string, string>> = {
  // layers, as `op:`
  convolution2d: 'conv2d',
  depthwiseconv2d: 'depthwise_conv2d',
  averagepooling2d: 'avgpool2d',
  maxpooling2d: 'maxpool2d',
  globalaveragepooling2d: 'global_avgpool2d',
  globalavgpool2d: 'global_avgpool2d',
  globalmaxpooling2d: 'global_maxpool2d',
  globalmaxpool2d: 'global_maxpool2d',
  batchnormalization: 'batchnorm',
  batch_normalization: 'batchnorm',
  concatenate: 'concat',
  zeropadding2d: 'pad',
  // a layer's arguments
  kernel_size: 'kernel',
  pool_size: 'pool',
  strides: 'stride',
  dilation_rate: 'dilation',
  activation: 'fn', // the Activation layer's argument; netc's activation layer names it fn
  kernel_regularizer: 'l2',
  // optimizers and their arguments
  lr: 'learning_rate',
  beta_1: 'beta1',
  beta_2: 'beta2',
  // activations
  silu: 'swish',
  leakyrelu: 'leaky_relu',
  // losses
  categoricalcrossentropy: 'categorical_crossentropy',
  mean_squared_error: 'mse',
  meansquarederror: 'mse',
};

/** Real names of other things: never suggested as a typo of a netc name that is near in spelling. */
export const OTHER_FUNCTIONS: ReadonlySet<string> = new Set([
  // activations netc does not have
  'selu', 'relu6', 'hard_sigmoid', 'hard_silu', 'hard_swish', 'mish', 'exponential', 'softsign', 'log_softmax', 'hard_tanh', 'tanh_shrink', 'celu', 'glu', 'prelu', 'sparsemax',
  // layers netc does not have
  'conv1d', 'conv3d', 'conv2dtranspose', 'conv2d_transpose', 'separableconv2d', 'separable_conv2d', 'maxpooling1d', 'maxpool1d', 'averagepooling1d', 'avgpool1d', 'maxpooling3d', 'maxpool3d', 'averagepooling3d', 'avgpool3d',
  'globalaveragepooling1d', 'globalmaxpooling1d', 'lstm', 'gru', 'simplernn', 'embedding', 'reshape', 'permute', 'layernormalization', 'layer_normalization', 'layernorm', 'groupnormalization', 'groupnorm',
  'upsampling2d', 'spatialdropout2d', 'gaussiannoise', 'multiply', 'subtract', 'average', 'maximum', 'minimum', 'dot', 'attention', 'multiheadattention', 'cropping2d',
  // optimizers netc does not have
  'nadam', 'adamax', 'adagrad', 'adadelta', 'ftrl', 'lion', 'lamb', 'adafactor',
  // losses netc does not have
  'sparse_categorical_crossentropy', 'binary_crossentropy', 'mae', 'mean_absolute_error', 'huber', 'kl_divergence', 'hinge',
]);
