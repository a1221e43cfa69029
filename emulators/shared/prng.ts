/**
 * The emulators' one deterministic random generator (sfc32, seeded through splitmix32): the same seed always yields
 * the same stores, so tests, demos and benchmarks can rely on exact values. Never use Math.random for seed data.
 */
export interface Prng {
  /** Float in [0, 1). */
  next(): number;
  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Picks a key by weight. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Hashes parts to a 32-bit seed (FNV-1a) so seeds can be derived from names ("shop-b.myshopify.com"). */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join("\u0000")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Cumulative weights per weights object, so a hoisted constant is summed once, not on every draw. */
const weightTables = new WeakMap<object, { keys: string[]; weights: number[]; total: number }>();

function weightTable(weights: Readonly<Record<string, number>>) {
  let table = weightTables.get(weights);
  if (!table) {
    const keys = Object.keys(weights);
    const values = keys.map((key) => weights[key]);
    table = { keys, weights: values, total: values.reduce((sum, w) => sum + w, 0) };
    weightTables.set(weights, table);
  }
  return table;
}

/**
 * sfc32 as a class: creating a generator per record (emulators generate records on demand, each from its own seed)
 * costs a few bound methods, not a fresh closure (and, under tsx, a name-keeping wrapper) per method.
 */
class Sfc32 implements Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const init = splitmix32(seed);
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    // Warm up: the first outputs of a freshly seeded sfc32 are poorly mixed.
    for (let i = 0; i < 12; i++) this.next();
    // Callers may take a method off the generator (`const pick = prng.pick`): keep them bound.
    this.next = this.next.bind(this);
    this.int = this.int.bind(this);
    this.pick = this.pick.bind(this);
    this.chance = this.chance.bind(this);
    this.weighted = this.weighted.bind(this);
  }

  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  weighted<T extends string>(weights: Readonly<Record<T, number>>): T {
    const table = weightTable(weights);
    let roll = this.next() * table.total;
    for (let i = 0; i < table.keys.length; i++) {
      roll -= table.weights[i];
      if (roll < 0) return table.keys[i] as T;
    }
    return table.keys[table.keys.length - 1] as T;
  }
}

/** Creates a deterministic generator from a 32-bit seed. */
export function createPrng(seed: number): Prng {
  return new Sfc32(seed);
}
