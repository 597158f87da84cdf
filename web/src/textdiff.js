// Pure text arithmetic for the textarea binding, kept apart so Node can test it alone.

/** The shortest edit turning `before` into `after`: one replaced span, found from both ends. */
export function diff (before, after) {
  let start = 0
  const shorter = Math.min(before.length, after.length)
  while (start < shorter && before[start] === after[start]) start++
  let end = 0
  while (
    end < shorter - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) end++
  return {
    index: start,
    remove: before.length - start - end,
    insert: after.slice(start, after.length - end)
  }
}

/** Where a caret at `position` lands after a remote change described by a Y delta. */
export function shiftPosition (position, delta) {
  let index = 0
  let shifted = position
  for (const op of delta) {
    if (op.retain !== undefined) {
      index += op.retain
    } else if (op.insert !== undefined) {
      if (index < position) shifted += op.insert.length
      index += op.insert.length
    } else if (op.delete !== undefined) {
      if (index < position) shifted -= Math.min(op.delete, position - index)
    }
  }
  return Math.max(0, shifted)
}
