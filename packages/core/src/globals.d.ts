/**
 * The few globals every JavaScript runtime modelspec supports has (Node >= 20,
 * browsers, Deno, workers). Core compiles without Node or DOM types, so a
 * stray `fs` or `window` is a compile error; these are declared here instead.
 */
declare const performance: { now(): number };
declare function structuredClone<T>(value: T): T;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: Uint8Array): string;
}
declare function btoa(data: string): string;
declare function atob(data: string): string;
declare function setTimeout(callback: () => void, ms?: number): unknown;
