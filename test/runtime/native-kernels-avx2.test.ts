/** The native convolution kernels with the matrix micro-kernels capped at avx2 (test/helpers/native-isa-cases.ts). */
process.env.NETC_NATIVE_ISA = 'avx2';
const { describeNativeIsa } = await import('../helpers/native-isa-cases.js');
describeNativeIsa('avx2');
