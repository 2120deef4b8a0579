/** The native convolution kernels with the matrix micro-kernels capped at portable (test/helpers/native-isa-cases.ts). */
process.env.NETC_NATIVE_ISA = 'portable';
const { describeNativeIsa } = await import('../helpers/native-isa-cases.js');
describeNativeIsa('portable');
