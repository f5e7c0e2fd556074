export declare const DIST: string;
export declare const SYSTEM_FASHION_MNIST_DIR: string;
export declare function contentSecurityPolicy(o?: { wasm?: boolean }): string;
export interface StartedServer {
  url: string;
  port: number;
  close(): Promise<void>;
}
export declare function startServer(o?: {
  root?: string;
  port?: number;
  host?: string;
  csp?: string | { wasm?: boolean };
  datasets?: string | null;
  routes?: Record<string, string | { type: string; body: string | Uint8Array }>;
}): Promise<StartedServer>;
