// Table-driven checks of the Markdown formatting commands: `node --test tests/`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { insertLink, insertTable, toggleInline, toggleLinePrefix } from '../src/format.js'
import { slotAmong, startsRightToLeft } from '../src/presence.js'
import { renderMarkdown } from '../src/preview.js'

/** Applies an edit the way CodeMirror does: change positions refer to the original text. */
function apply (text, edit) {
  let out = ''
  let last = 0
  for (const c of [...edit.changes].sort((a, b) => a.from - b.from)) {
    out += text.slice(last, c.from) + c.insert
    last = c.to
  }
  out += text.slice(last)
  const { anchor, head } = edit.selection
  return [out, out.slice(Math.min(anchor, head), Math.max(anchor, head))]
}

const cases = [
  ['bold wraps a selection', 'a word here', (t) => toggleInline(t, 2, 6, '**'), 'a **word** here', 'word'],
  ['bold unwraps what it wrapped', 'a **word** here', (t) => toggleInline(t, 4, 8, '**'), 'a word here', 'word'],
  ['bold unwraps a selection that holds the marks', 'a **word** here', (t) => toggleInline(t, 2, 10, '**'), 'a word here', 'word'],
  ['bold with nothing selected leaves the caret inside', 'ab', (t) => toggleInline(t, 1, 1, '**'), 'a****b', ''],
  ['italic inside bold adds, not strips', 'a **word** here', (t) => toggleInline(t, 4, 8, '*'), 'a ***word*** here', 'word'],
  ['italic in Arabic', 'مرحبا بك', (t) => toggleInline(t, 0, 5, '*'), '*مرحبا* بك', 'مرحبا'],
  ['heading on the caret line', 'one\ntwo\nthree', (t) => toggleLinePrefix(t, 5, 5, 'heading'), 'one\n## two\nthree', ''],
  ['heading removed again', 'one\n## two', (t) => toggleLinePrefix(t, 8, 8, 'heading'), 'one\ntwo', ''],
  ['bullets on every selected line', 'a\nb\nc', (t) => toggleLinePrefix(t, 0, 3, 'bullets'), '- a\n- b\nc', '- a\n- b'],
  ['numbers replace bullets and count', '- a\n- b', (t) => toggleLinePrefix(t, 0, 7, 'numbers'), '1. a\n2. b', '1. a\n2. b'],
  ['bullets removed when all have them', '- a\n- b', (t) => toggleLinePrefix(t, 2, 7, 'bullets'), 'a\nb', 'a\nb'],
  ['link around a selection, address selected', 'see docs now', (t) => insertLink(t, 4, 8, 'link'), 'see [docs](https://) now', 'https://'],
  ['link without a selection uses the placeholder', 'x', (t) => insertLink(t, 1, 1, 'link'), 'x[link](https://)', 'https://'],
  ['table after a paragraph', 'Intro', (t) => insertTable(t, 2, 'Column'), 'Intro\n\n| Column 1 | Column 2 |\n| --- | --- |\n|  |  |\n', 'Column 1'],
  ['table in an empty document', '', (t) => insertTable(t, 0, 'عمود'), '| عمود 1 | عمود 2 |\n| --- | --- |\n|  |  |\n', 'عمود 1']
]

for (const [why, before, command, text, selected] of cases) {
  test(why, () => assert.deepEqual(apply(before, command(before)), [text, selected]))
}

const directions = [
  ['English', 'Second line مرحبا', false],
  ['Arabic first', 'مرحبا Second', true],
  ['Markdown marks and digits are neutral', '## 1. «مرحبا»', true],
  ['an empty line', '', false]
]
for (const [why, line, rtl] of directions) {
  test(`direction: ${why}`, () => assert.equal(startsRightToLeft(line), rtl))
}

const previews = [
  ['a table', '| A | B |\n| --- | --- |\n| 1 | 2 |', /<table>[\s\S]*<th>A<\/th>[\s\S]*<td>2<\/td>/],
  ['headings and lists', '## T\n\n- a\n1. b', /<h2>T<\/h2>\n<ul>\n<li>a<\/li>\n<\/ul>\n<ol>\n<li>b<\/li>/],
  ['raw HTML is text', '<img src=x onerror=alert(1)>', /^<p>&lt;img src=x onerror=alert\(1\)&gt;<\/p>\n$/],
  ['a javascript: link is no link', '[x](javascript:alert(1))', /^<p>\[x\]\(javascript:alert\(1\)\)<\/p>\n$/],
  ['a protocol-relative link is no link', '[x](//evil.example/)', /^<p>\[x\]\(\/\/evil.example\/\)<\/p>\n$/],
  ['an https link is a link', '[x](https://example.org/)', /<a href="https:\/\/example.org\/">x<\/a>/]
]
for (const [why, text, shape] of previews) {
  test(`preview: ${why}`, () => assert.match(renderMarkdown(text), shape))
}

const slots = [
  ['a free colour is kept', 3, 50, [[10, 1], [20, 2]], 3],
  ['a colour held by a smaller id is left for the first free one', 1, 50, [[10, 1], [20, 0]], 2],
  ['a colour held by a larger id is kept (that one moves)', 1, 5, [[10, 1]], 1],
  ['all eight taken: stay', 0, 90, [0, 1, 2, 3, 4, 5, 6, 7].map((s) => [s, s]), 0]
]
for (const [why, mine, id, others, expected] of slots) {
  test(`colour: ${why}`, () => assert.equal(slotAmong(mine, id, others), expected))
}
