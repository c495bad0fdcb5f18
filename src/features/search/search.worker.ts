/**
 * The search index's second thread: it turns batches of documents into finished segments (tokenising is
 * the costly part), so that a bulk import's database work and its indexing use both cores.
 */
import { parentPort } from 'node:worker_threads';
import { type SourceDoc, toIndexDoc } from './search.document.ts';
import { Segment, segmentBytes } from './search.engine.ts';
import { setExtraTerms } from './search.text.ts';

export type WorkerRequest =
  | { type: 'terms'; terms: string[] }
  | { type: 'build'; id: number; docs: { kind: string; doc: SourceDoc }[] };

export type WorkerReply = { id: number; bytes: Uint8Array } | { id: number; error: string } | { ready: true };

parentPort?.on('message', (m: WorkerRequest) => {
  if (m.type === 'terms') {
    setExtraTerms(m.terms);
    return;
  }
  try {
    const bytes = segmentBytes(Segment.build(m.docs.map((d) => toIndexDoc(d.kind, d.doc))));
    parentPort!.postMessage({ id: m.id, bytes } satisfies WorkerReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message } satisfies WorkerReply);
  }
});

// messages sent before this module was loaded are not kept: the builder waits for this
parentPort?.postMessage({ ready: true } satisfies WorkerReply);
