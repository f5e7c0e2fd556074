/** core's mulberry32: a small seeded generator, so every input the kit makes is the same on every run and engine. */
export { mulberry32 as generator } from '@modelspec/core';

/** A stable 32-bit seed from a name (FNV-1a), so each kernel case draws its own values. */
export function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
