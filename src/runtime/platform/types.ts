/** What the platform layer's two implementations (./index.ts for Node, ./browser.ts) share. */

/** A started worker thread. */
export interface WorkerHandle {
  terminate(): void;
}
