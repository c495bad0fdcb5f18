/**
 * The search index's second thread: it turns batches of documents into finished segments (tokenising is
 * the costly part) and merges segments, so that a bulk import's database work and its indexing use both cores.
 */
import { parentPort } from 'node:worker_threads';
import type { SearchDoc } from '../../core/search.ts';
import { toIndexDoc } from './search.document.ts';
import { mergeSegments, Segment, segmentBytes, segmentFromBytes } from './search.segment.ts';
import { setExtraTerms } from './search.text.ts';

export type WorkerRequest =
  | { type: 'terms'; terms: string[] }
  | { type: 'build'; id: number; docs: { kind: string; doc: SearchDoc }[] }
  | { type: 'merge'; id: number; segments: { bytes: Uint8Array; deleted: Uint8Array }[] };

export type WorkerReply = { id: number; bytes: Uint8Array } | { id: number; error: string } | { ready: true };

parentPort?.on('message', (m: WorkerRequest) => {
  if (m.type === 'terms') {
    setExtraTerms(m.terms);
    return;
  }
  try {
    const segment =
      m.type === 'build'
        ? Segment.build(m.docs.map((d) => toIndexDoc(d.kind, d.doc)))
        : mergeSegments(m.segments.map((s) => segmentFromBytes(s.bytes, s.deleted)));
    const bytes = segmentBytes(segment);
    parentPort!.postMessage({ id: m.id, bytes } satisfies WorkerReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error).message } satisfies WorkerReply);
  }
});

// messages sent before this module was loaded are not kept: the builder waits for this
parentPort?.postMessage({ ready: true } satisfies WorkerReply);
