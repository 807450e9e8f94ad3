/// <reference types="vite/client" />
import type { DesktopBridge } from './transport/desktop.js';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present in the desktop app only (preload/index.ts). */
    ucm?: DesktopBridge;
  }
}
