import { getOrAdd } from './search.postings.ts';

/**
 * A document's sketch holds its text's runs of two, three and four characters, in SKETCH_BITS_PER_CHAR bits per
 * character (in steps of 64 bytes, at most 4 KB): under a third of the bits are set, and a phrase of n characters
 * must find 3n − 6 of them set, so it lets through few documents without it — mostly those that hold its pieces
 * apart. A text past 5,000 characters fills its sketch more.
 */
const SKETCH_BITS_PER_CHAR = 6;
const SKETCH_STEP = 64;
const SKETCH_MAX_STEPS = 64;

const mix = (h: number) => {
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 13;
  return h >>> 0;
};

/** A 32-bit hash of each run of two, three and four neighbouring characters of a folded text. */
function gramHashes(folded: string, each: (hash: number) => void) {
  for (let i = 0; i + 1 < folded.length; i++) {
    let h = Math.imul(folded.charCodeAt(i), 0x9e3779b1) ^ Math.imul(folded.charCodeAt(i + 1), 0x85ebca77);
    each(mix(h));
    for (let k = 2; k < 4 && i + k < folded.length; k++) {
      h ^= Math.imul(folded.charCodeAt(i + k), 0xc2b2ae3d + k) ^ Math.imul(0x27d4eb2f, k);
      each(mix(h));
    }
  }
}

/** The bit a hash sets in a sketch of this many bits. */
const bitOf = (hash: number, bits: number) => Math.floor((hash * bits) / 0x100000000);

/** A text's sketch: the bits of its runs of characters. The text is folded as phrases are (`normalize`, no spaces). */
export function sketchOf(folded: string): Uint8Array {
  const wanted = Math.ceil((folded.length * SKETCH_BITS_PER_CHAR) / (SKETCH_STEP * 8));
  const out = new Uint8Array(Math.min(SKETCH_MAX_STEPS, Math.max(1, wanted)) * SKETCH_STEP);
  const bits = out.length * 8;
  gramHashes(folded, (h) => {
    const b = bitOf(h, bits);
    out[b >>> 3] |= 1 << (b & 7);
  });
  return out;
}

/** The hashes a document's sketch must have for it to hold every phrase (folded alike). */
export function phraseHashes(phrases: string[]): number[] {
  const hashes = new Set<number>();
  for (const p of phrases) gramHashes(p, (h) => hashes.add(h));
  return [...hashes];
}

/**
 * The sketches of a segment's documents, sliced: documents with sketches of the same size form a class, and a class
 * keeps each bit position of its sketches as one row of bits, a bit per document. A scan for a phrase then ANDs the
 * few rows the phrase's runs fall on, reading memory in order, instead of visiting every document's sketch.
 */
export class SketchTable {
  constructor(
    /** Per class: its sketches' size in SKETCH_STEP bytes, its documents in order, and its rows (32-bit words). */
    readonly classes: { steps: number; members: Uint32Array; rows: Uint32Array }[],
    /** How many documents the segment has. */
    readonly size: number,
  ) {}

  static build(count: number, sketch: (i: number) => Uint8Array): SketchTable {
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const steps = sketch(i).length / SKETCH_STEP;
      const list = byClass.get(steps);
      if (list) list.push(i);
      else byClass.set(steps, [i]);
    }
    const classes = [...byClass.entries()].map(([steps, docs]) => {
      const words = (docs.length + 31) >>> 5;
      const rows = new Uint32Array(steps * SKETCH_STEP * 8 * words);
      docs.forEach((d, slot) => {
        const bytes = sketch(d);
        const at = slot >>> 5;
        const bit = 1 << (slot & 31);
        for (let i = 0; i < bytes.length; i++) {
          const v = bytes[i];
          if (v) for (let k = 0; k < 8; k++) if (v & (1 << k)) rows[(i * 8 + k) * words + at] |= bit;
        }
      });
      return { steps, members: Uint32Array.from(docs), rows };
    });
    return new SketchTable(classes, count);
  }

  /**
   * The tables of merged segments as one: `renumber[i]` gives each document of table i its number in the merged
   * segment, or -1 when it is left out. The numbering keeps the tables' order, so each class's rows are the rows of
   * the tables' classes side by side: copied a word at a time where none of a class's documents is left out.
   */
  static concat(tables: SketchTable[], renumber: Int32Array[]): SketchTable {
    const bySteps = new Map<number, { cls: SketchTable['classes'][number]; map: Int32Array; live: number[] }[]>();
    tables.forEach((t, i) => {
      for (const cls of t.classes) {
        const live: number[] = [];
        cls.members.forEach((d, slot) => {
          if (renumber[i][d] >= 0) live.push(slot);
        });
        if (live.length) getOrAdd(bySteps, cls.steps, () => []).push({ cls, map: renumber[i], live });
      }
    });
    let size = 0;
    for (const r of renumber) for (const to of r) if (to >= 0) size++;
    const classes = [...bySteps].map(([steps, parts]) => {
      const total = parts.reduce((n, p) => n + p.live.length, 0);
      const words = (total + 31) >>> 5;
      const bits = steps * SKETCH_STEP * 8;
      const rows = new Uint32Array(bits * words);
      const members = new Uint32Array(total);
      let at = 0;
      for (const { cls, map, live } of parts) {
        const from = (cls.members.length + 31) >>> 5;
        if (live.length === cls.members.length) {
          const shift = at & 31;
          for (let b = 0; b < bits; b++) {
            const dest = b * words + (at >>> 5);
            for (let w = 0; w < from; w++) {
              const v = cls.rows[b * from + w];
              if (!v) continue;
              rows[dest + w] |= v << shift;
              if (shift && v >>> (32 - shift) !== 0) rows[dest + w + 1] |= v >>> (32 - shift);
            }
          }
        } else
          for (let b = 0; b < bits; b++)
            live.forEach((slot, k) => {
              if (cls.rows[b * from + (slot >>> 5)] & (1 << (slot & 31)))
                rows[b * words + ((at + k) >>> 5)] |= 1 << ((at + k) & 31);
            });
        live.forEach((slot, k) => {
          members[at + k] = map[cls.members[slot]];
        });
        at += live.length;
      }
      return { steps, members, rows };
    });
    return new SketchTable(classes, size);
  }

  /** The documents whose sketch has every hash, in order. */
  matches(hashes: number[]): number[] {
    const out: number[] = [];
    for (const { steps, members, rows } of this.classes) {
      const words = (members.length + 31) >>> 5;
      const bits = steps * SKETCH_STEP * 8;
      const starts = hashes.map((h) => bitOf(h, bits) * words);
      for (let w = 0; w < words; w++) {
        let v = rows[starts[0] + w];
        for (let i = 1; i < starts.length && v; i++) v &= rows[starts[i] + w];
        for (; v; v &= v - 1) out.push(members[w * 32 + (31 - Math.clz32(v & -v))]);
      }
    }
    return out.sort((a, b) => a - b);
  }
}
