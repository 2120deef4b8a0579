/** The runtime that generated modules import (./core.ts), and the API for programs (./api/). */
export * from './core.js';
export * from './api/index.js';
