// Presence over the Yjs awareness protocol: who is here, and where their cursors and
// selections are, each labelled with the member's display name.
//
// The awareness state follows the shape other Yjs editors use (`user.name`, `user.color`,
// `cursor.anchor` / `cursor.head` as relative positions), so a y-codemirror.next client shows
// our cursors and we show its. We draw them ourselves rather than with y-codemirror.next's
// plugin because that one colours each cursor with an inline `style` attribute, which the
// page's Content-Security-Policy forbids; here a colour is one of eight classes in
// static/editor.css, and names are always shown, not only on hover.

import * as Y from 'yjs'
import { Decoration, ViewPlugin, WidgetType } from '@codemirror/view'

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#c2185b', '#8c564b', '#e65100', '#00838f']

/** One of the palette's slots for a peer: its announced colour if it is ours, else its id. */
export function slotOf (state, clientID) {
  const index = PALETTE.indexOf(state && state.user && state.user.color)
  return index >= 0 ? index : clientID % PALETTE.length
}

/** This client's colour slot given the others' (`[clientID, slot]` pairs): kept unless a
 * client with a smaller id holds it, else the first slot nobody holds (or the same, when all
 * are taken). Only the larger id moves, so two clients never chase each other. */
export function slotAmong (mine, clientID, others) {
  const clash = others.some(([id, slot]) => slot === mine && id < clientID)
  if (!clash) return mine
  const taken = new Set(others.map(([, slot]) => slot))
  const free = PALETTE.findIndex((_, slot) => !taken.has(slot))
  return free === -1 ? mine : free
}

// The first strong character decides a line's direction (`unicode-bidi: plaintext`, the
// Unicode bidi rules P2 and P3): Hebrew, Arabic, Syriac, Thaana, NKo... against Latin and the rest.
const STRONG = /[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/
const RTL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/

/** Whether a line of text runs right to left, as the editor shows it. */
export function startsRightToLeft (line) {
  const strong = line.match(STRONG)
  return strong !== null && RTL.test(strong[0])
}

// Every line as `dir="auto"`: the browser then lays it out, and CodeMirror (reading each line's
// computed direction, `perLineTextDirection`) moves the caret through it, in the direction of
// its own first letters, so an English line in an Arabic page (or the reverse) behaves.
const autoDirection = Decoration.line({ attributes: { dir: 'auto' } })

export const linesTakeTheirOwnDirection = ViewPlugin.fromClass(class {
  constructor (view) { this.decorations = this.build(view) }

  update (update) {
    if (update.docChanged || update.viewportChanged) this.decorations = this.build(update.view)
  }

  build (view) {
    const lines = []
    for (const { from, to } of view.visibleRanges) {
      for (let pos = from; pos <= to;) {
        const line = view.state.doc.lineAt(pos)
        lines.push(autoDirection.range(line.from))
        pos = line.to + 1
      }
    }
    return Decoration.set(lines, true)
  }
}, { decorations: (plugin) => plugin.decorations })

class CaretWidget extends WidgetType {
  /** `rtl`: the caret's line runs right to left, so its name label opens leftwards. */
  constructor (name, slot, rtl) {
    super()
    this.name = name
    this.slot = slot
    this.rtl = rtl
  }

  eq (other) { return other.name === this.name && other.slot === this.slot && other.rtl === this.rtl }

  toDOM () {
    const caret = document.createElement('span')
    caret.className = `cm-peer-caret peer-${this.slot} ${this.rtl ? 'in-rtl' : 'in-ltr'}`
    caret.setAttribute('aria-hidden', 'true')
    // Its own direction, so the name is left out when the browser works out the direction of
    // the line it sits in (dir="auto" skips elements with a dir of their own): an Arabic name
    // at the start of an English line must not turn the line right to left.
    caret.dir = 'auto'
    const label = document.createElement('span')
    label.className = 'cm-peer-name'
    label.textContent = this.name // text, never markup: names are the members' own input
    caret.append('\u2060', label, '\u2060')
    return caret
  }

  ignoreEvent () { return true }
}

function absolute (doc, json) {
  if (!json) return null
  const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc)
  return position ? position.index : null
}

/** The view plugin: publishes this editor's selection and draws everyone else's. */
export function remoteSelections (ytext, awareness, fallbackName) {
  const sameCursor = (a, b) => JSON.stringify(a) === JSON.stringify(b)
  return ViewPlugin.fromClass(class {
    constructor (view) {
      this.decorations = Decoration.none
      this.onChange = ({ added, updated, removed }) => {
        const others = [...added, ...updated, ...removed].some((id) => id !== awareness.clientID)
        if (others) view.dispatch({}) // redraw in the next update
      }
      awareness.on('change', this.onChange)
      this.publish(view)
      this.decorations = this.draw(view)
    }

    update (update) {
      if (update.selectionSet || update.docChanged || update.focusChanged) this.publish(update.view)
      this.decorations = this.draw(update.view)
    }

    publish (view) {
      const local = awareness.getLocalState()
      if (!local) return
      const { anchor, head } = view.state.selection.main
      const cursor = {
        anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, anchor)),
        head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(ytext, head))
      }
      if (!sameCursor(local.cursor, cursor)) awareness.setLocalStateField('cursor', cursor)
    }

    draw (view) {
      const length = view.state.doc.length
      const ranges = []
      awareness.getStates().forEach((state, clientID) => {
        if (clientID === awareness.clientID || !state || !state.cursor) return
        const anchor = absolute(ytext.doc, state.cursor.anchor)
        const head = absolute(ytext.doc, state.cursor.head)
        if (anchor === null || head === null || anchor > length || head > length) return
        const slot = slotOf(state, clientID)
        const name = String((state.user && state.user.name) || fallbackName).slice(0, 60)
        const from = Math.min(anchor, head)
        const to = Math.max(anchor, head)
        if (from < to) {
          ranges.push({ from, to, value: Decoration.mark({ class: `cm-peer-selection peer-${slot}` }) })
        }
        ranges.push({
          from: head,
          to: head,
          value: Decoration.widget({
            widget: new CaretWidget(name, slot, startsRightToLeft(view.state.doc.lineAt(head).text)),
            side: head > anchor ? -1 : 1
          })
        })
      })
      return Decoration.set(ranges.map((r) => r.value.range(r.from, r.to)), true)
    }

    destroy () { awareness.off('change', this.onChange) }
  }, { decorations: (plugin) => plugin.decorations })
}

/** The list of who is here, this member first and marked as such. */
export function renderPeople (list, awareness, youLabel, fallbackName) {
  const people = []
  awareness.getStates().forEach((state, clientID) => {
    if (!state || !state.user) return
    people.push({
      clientID,
      you: clientID === awareness.clientID,
      name: String(state.user.name || fallbackName).slice(0, 60),
      slot: slotOf(state, clientID)
    })
  })
  people.sort((a, b) => (b.you - a.you) || a.name.localeCompare(b.name))
  list.replaceChildren(...people.map((person) => {
    const item = document.createElement('li')
    item.className = `person peer-${person.slot}`
    item.dataset.clientId = String(person.clientID)
    const name = document.createElement('span')
    name.className = 'person-name'
    name.textContent = person.name
    item.append(name)
    if (person.you) {
      const you = document.createElement('span')
      you.className = 'person-you'
      you.textContent = youLabel
      item.append(' ', you)
    }
    return item
  }))
}
