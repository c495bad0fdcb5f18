import assert from 'node:assert/strict';
import { test } from 'node:test';
import { treeOrder } from './tree.ts';

test('a tree is listed depth-first with depths; orphans count as roots', () => {
  const rows = [
    { id: 1, parent_id: null },
    { id: 2, parent_id: 1 },
    { id: 3, parent_id: null },
    { id: 4, parent_id: 2 },
    { id: 5, parent_id: 99 },
  ];
  assert.deepEqual(
    treeOrder(rows).map((r) => [r.node.id, r.depth]),
    [
      [1, 0],
      [2, 1],
      [4, 2],
      [3, 0],
      [5, 0],
    ],
  );
});
