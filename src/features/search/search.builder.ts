import { Worker } from 'node:worker_threads';
import type { SearchDoc } from '../../core/search.ts';
import { toIndexDoc } from './search.document.ts';
import { mergeSegments, Segment, segmentBytes, segmentFromBytes } from './search.segment.ts';
import type { WorkerReply, WorkerRequest } from './search.worker.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Builds segments from many documents, and merges segments, on a worker thread; falls back to this thread when no
 * worker can be started. The worker knows the same dictionary words (`terms`), so both cut text alike.
 */
/** A worker idle this long is ended (a new one starts with the next build or merge). */
const WORKER_IDLE_MS = 30_000;

export class SegmentBuilder {
  private worker: Worker | null = null;
  private failed = false;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (s: Segment) => void; reject: (e: Error) => void }>();
  private terms: string[] = [];
  /** Whether the last build ran on the worker thread. */
  lastOnWorker = false;

  setTerms(terms: string[]) {
    this.terms = terms;
    this.send({ type: 'terms', terms });
  }

  /** Sends once the worker has loaded (it cannot receive before). */
  private send(m: WorkerRequest, transfer: ArrayBuffer[] = []) {
    const w = this.worker;
    if (w) void this.ready?.then(() => w.postMessage(m, transfer));
  }

  private ready: Promise<void> | null = null;

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    try {
      // run from the sources the worker's module is TypeScript: the worker registers tsx's loader before importing
      // it; the build (dist/) has it as JavaScript
      const compiled = import.meta.url.endsWith('.js');
      const entry = JSON.stringify(new URL(`./search.worker.${compiled ? 'js' : 'ts'}`, import.meta.url).href);
      const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
      const code = compiled
        ? `import(${entry})`
        : `import(${api}).then(({ register }) => { register(); return import(${entry}); })`;
      const w = new Worker(code, { eval: true });
      let loaded!: () => void;
      this.ready = new Promise((r) => {
        loaded = r;
      });
      w.on('message', (r: WorkerReply) => {
        if ('ready' in r) return loaded();
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if ('error' in r) p.reject(new Error(r.error));
        else p.resolve(segmentFromBytes(r.bytes));
      });
      w.on('error', (e) => this.stop(e));
      w.on('exit', () => this.stop(new Error('search worker stopped')));
      // an idle worker never keeps the process alive; a build in progress does (see build)
      w.unref();
      this.worker = w;
      this.send({ type: 'terms', terms: this.terms });
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  /** Ends the worker once it has had nothing to do for a while: its segmenter and heap go with it. */
  private idleTimer: NodeJS.Timeout | null = null;
  private idleLater(w: Worker) {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.worker === w && this.waiting.size === 0) void this.close();
    }, WORKER_IDLE_MS);
    this.idleTimer.unref();
  }

  private stop(e: Error) {
    this.worker = null;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** A segment of these documents. */
  build(docs: { kind: string; doc: SearchDoc }[]): Promise<Segment> {
    return this.run({ type: 'build', docs }, () => Segment.build(docs.map((d) => toIndexDoc(d.kind, d.doc))));
  }

  /** One segment of these, without their deleted documents. */
  merge(segments: Segment[]): Promise<Segment> {
    const copies = segments.map((s) => ({ bytes: segmentBytes(s), deleted: s.deleted.slice() }));
    // the copies are handed over, not copied again
    const transfer = copies.flatMap((c) => [c.bytes.buffer, c.deleted.buffer] as ArrayBuffer[]);
    return this.run({ type: 'merge', segments: copies }, () => mergeSegments(segments), transfer);
  }

  /** Runs a request on the worker thread, or on this thread (`here`) when there is none. */
  private async run(
    request: DistributiveOmit<WorkerRequest, 'id'>,
    here: () => Segment,
    transfer: ArrayBuffer[] = [],
  ): Promise<Segment> {
    const onThisThread = () => {
      this.lastOnWorker = false;
      return here();
    };
    const w = this.start();
    if (!w) return onThisThread();
    const id = this.next++;
    try {
      w.ref();
      if (this.idleTimer) clearTimeout(this.idleTimer);
      const seg = await new Promise<Segment>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        this.send({ ...request, id } as WorkerRequest, transfer);
      }).finally(() => {
        if (this.waiting.size === 0) {
          w.unref();
          this.idleLater(w);
        }
      });
      this.lastOnWorker = true;
      return seg;
    } catch {
      // a worker that cannot run is not tried again; this thread does the work
      this.failed = true;
      await this.close();
      return onThisThread();
    }
  }

  async close() {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
