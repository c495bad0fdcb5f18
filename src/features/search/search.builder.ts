import { Worker } from 'node:worker_threads';
import { type SourceDoc, toIndexDoc } from './search.document.ts';
import { Segment, segmentFromBytes } from './search.engine.ts';
import type { WorkerReply, WorkerRequest } from './search.worker.ts';

/**
 * Builds segments from many documents on a worker thread; falls back to this thread when no worker can
 * be started. The worker knows the same dictionary words (`terms`), so both cut text alike.
 */
export class SegmentBuilder {
  private worker: Worker | null = null;
  private failed = false;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (s: Segment) => void; reject: (e: Error) => void }>();
  private terms: string[] = [];

  setTerms(terms: string[]) {
    this.terms = terms;
    this.send({ type: 'terms', terms });
  }

  private send(m: WorkerRequest) {
    this.worker?.postMessage(m);
  }

  private start(): Worker | null {
    if (this.worker || this.failed) return this.worker;
    try {
      // the worker runs TypeScript through the same loader as this thread
      const w = new Worker(new URL('./search.worker.ts', import.meta.url), {
        execArgv: ['--import', import.meta.resolve('tsx')],
      });
      w.unref();
      w.on('message', (r: WorkerReply) => {
        const p = this.waiting.get(r.id);
        if (!p) return;
        this.waiting.delete(r.id);
        if ('error' in r) p.reject(new Error(r.error));
        else p.resolve(segmentFromBytes(r.bytes));
      });
      w.on('error', (e) => this.stop(e));
      w.on('exit', () => this.stop(new Error('search worker stopped')));
      this.worker = w;
      this.send({ type: 'terms', terms: this.terms });
    } catch {
      this.failed = true;
    }
    return this.worker;
  }

  private stop(e: Error) {
    this.worker = null;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  async build(docs: { kind: string; doc: SourceDoc }[]): Promise<Segment> {
    const here = () => Segment.build(docs.map((d) => toIndexDoc(d.kind, d.doc)));
    const w = this.start();
    if (!w) return here();
    const id = this.next++;
    try {
      return await new Promise<Segment>((resolve, reject) => {
        this.waiting.set(id, { resolve, reject });
        w.postMessage({ type: 'build', id, docs } satisfies WorkerRequest);
      });
    } catch {
      // a worker that cannot run is not tried again; this thread does the work
      this.failed = true;
      await this.close();
      return here();
    }
  }

  async close() {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
