// Table-driven checks of the textarea binding's arithmetic: `node --test tests/`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { diff, shiftPosition } from '../src/textdiff.js'

const diffs = [
  ['typing at the end', 'abc', 'abcd', { index: 3, remove: 0, insert: 'd' }],
  ['typing at the start', 'abc', 'xabc', { index: 0, remove: 0, insert: 'x' }],
  ['deleting in the middle', 'abcd', 'ad', { index: 1, remove: 2, insert: '' }],
  ['replacing a selection', 'hello world', 'hello there', { index: 6, remove: 5, insert: 'there' }],
  ['repeated letters stay minimal', 'aaa', 'aaaa', { index: 3, remove: 0, insert: 'a' }],
  ['no change', 'same', 'same', { index: 4, remove: 0, insert: '' }],
  ['right-to-left text', 'مرحبا', 'مرحبا بك', { index: 5, remove: 0, insert: ' بك' }]
]
for (const [why, before, after, expected] of diffs) {
  test(`diff: ${why}`, () => assert.deepEqual(diff(before, after), expected))
}

const shifts = [
  ['insert before the caret moves it', 5, [{ retain: 2 }, { insert: 'xyz' }], 8],
  ['insert after the caret leaves it', 1, [{ retain: 2 }, { insert: 'xyz' }], 1],
  ['insert at the caret leaves it', 2, [{ retain: 2 }, { insert: 'xy' }], 2],
  ['delete before the caret pulls it back', 5, [{ delete: 2 }], 3],
  ['delete across the caret stops at the cut', 3, [{ retain: 1 }, { delete: 5 }], 1],
  ['delete after the caret leaves it', 1, [{ retain: 2 }, { delete: 3 }], 1]
]
for (const [why, position, delta, expected] of shifts) {
  test(`shiftPosition: ${why}`, () => assert.equal(shiftPosition(position, delta), expected))
}
