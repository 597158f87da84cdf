// Markdown formatting as pure text arithmetic: each command takes the document's text and the
// selection and returns the edit to make, so Node tests it without a browser and the editor
// only dispatches what it gets. The shared document stays plain Markdown (see
// docs/collaboration.md), which is why formatting is a matter of inserting marks.

/**
 * @typedef {{from: number, to: number, insert: string}} Change
 * @typedef {{changes: Change[], selection: {anchor: number, head: number}}} Edit
 */

/** Bold (`**`) or italic (`*`): wrap the selection, or unwrap it when already wrapped. */
export function toggleInline (text, from, to, mark) {
  const m = mark.length
  const outside = text.slice(from - m, from) === mark && text.slice(to, to + m) === mark
  // `**bold**` seen from inside by `*` is bold, not italic: only unwrap an exact mark.
  const exact = outside && text[from - m - 1] !== mark[0] && text[to + m] !== mark[0]
  if (from >= m && exact) {
    return {
      changes: [{ from: from - m, to: from, insert: '' }, { from: to, to: to + m, insert: '' }],
      selection: { anchor: from - m, head: to - m }
    }
  }
  const inner = text.slice(from, to)
  if (inner.length >= 2 * m && inner.startsWith(mark) && inner.endsWith(mark)) {
    return {
      changes: [{ from, to, insert: inner.slice(m, inner.length - m) }],
      selection: { anchor: from, head: to - 2 * m }
    }
  }
  return {
    changes: [{ from, to: from, insert: mark }, { from: to, to, insert: mark }],
    selection: { anchor: from + m, head: to + m }
  }
}

const PREFIXES = {
  heading: { pattern: /^#{1,6} /, make: () => '## ' },
  bullets: { pattern: /^[-*+] /, make: () => '- ' },
  numbers: { pattern: /^\d+[.)] /, make: (n) => `${n}. ` }
}
const ANY_PREFIX = /^(#{1,6} |[-*+] |\d+[.)] )/

/** The [start, end) offsets of every line the selection touches. */
function linesOf (text, from, to) {
  const lines = []
  let start = text.lastIndexOf('\n', from - 1) + 1
  for (;;) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    lines.push([start, end])
    if (end >= to || end === text.length) return lines
    start = end + 1
  }
}

/** Heading, bulleted or numbered lines: added to every touched line (replacing another
 * kind), or removed when every touched line already has this kind. */
export function toggleLinePrefix (text, from, to, kind) {
  const { pattern, make } = PREFIXES[kind]
  const lines = linesOf(text, from, to)
  const removing = lines.every(([s, e]) => pattern.test(text.slice(s, e)))
  const changes = lines.map(([s, e], i) => {
    const line = text.slice(s, e)
    const old = (removing ? line.match(pattern) : line.match(ANY_PREFIX)) || ['']
    return { from: s, to: s + old[0].length, insert: removing ? '' : make(i + 1) }
  })
  const shift = (pos) => {
    let moved = pos
    for (const c of changes) {
      if (c.from < pos) moved += c.insert.length - (Math.min(c.to, pos) - c.from)
    }
    return Math.max(moved, 0)
  }
  return { changes, selection: { anchor: shift(from), head: shift(to) } }
}

/** `[selection](https://)`, with the address selected so typing replaces it. */
export function insertLink (text, from, to, placeholder) {
  const label = text.slice(from, to) || placeholder
  const url = 'https://'
  const insert = `[${label}](${url})`
  const start = from + label.length + 3
  return { changes: [{ from, to, insert }], selection: { anchor: start, head: start + url.length } }
}

/** A two-column table after the current line, its first header cell selected. */
export function insertTable (text, at, column) {
  let end = text.indexOf('\n', at)
  if (end === -1) end = text.length
  const before = end === 0 ? '' : text.slice(0, end).endsWith('\n') ? '\n' : '\n\n'
  const header = `${column} 1`
  const insert = `${before}| ${header} | ${column} 2 |\n| --- | --- |\n|  |  |\n`
  const start = end + before.length + 2
  return { changes: [{ from: end, to: end, insert }], selection: { anchor: start, head: start + header.length } }
}
