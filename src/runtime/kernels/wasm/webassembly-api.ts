/**
 * The parts of the WebAssembly JavaScript API the fast backend uses. Node has them all; its
 * type declarations (@types/node 20) do not, and the DOM library would bring far more than this.
 * A module (not a .d.ts) so that the declarations travel with the compiled runtime.
 */
declare global {
  namespace WebAssembly {
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer;
      grow(pages: number): number;
    }
    class Module {
      constructor(bytes: Uint8Array);
      static exports(module: Module): { name: string; kind: string }[];
    }
    function validate(bytes: Uint8Array): boolean;
    class Instance {
      constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
      readonly exports: Record<string, unknown>;
    }
  }
}

export {};
