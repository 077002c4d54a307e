import type { KindredBridge } from '../common/api';

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts in the Electron app; absent in a plain browser tab. */
    kindred?: KindredBridge;
  }
}

export {};
