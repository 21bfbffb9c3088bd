// Independent seeded streams from one scenario seed: traffic, upstream behaviour and the engine's
// own randomness each get their own, so changing one part of a scenario does not reshuffle another.

/** FNV-1a over the label, mixed with the seed: stable across runs and platforms. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
