// Baraza's browser editor: CodeMirror 6 bound to the document's shared Y.Text `content`
// (y-codemirror.next), Markdown with a live preview, a formatting toolbar, and presence.
//
// The member's token arrives in the URL fragment (`#token=...`), which browsers never send
// to the server. Every label shown comes from the page (rendered in the member's language),
// so this file holds no interface text.

import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { Compartment, EditorState } from '@codemirror/state'
import { EditorView, keymap } from '@codemirror/view'
import { defaultKeymap } from '@codemirror/commands'
import { Language, defaultHighlightStyle, defineLanguageFacet, syntaxHighlighting } from '@codemirror/language'
import { GFM, parser as markdownParser } from '@lezer/markdown'

import { connect } from './connection.js'
import { insertLink, insertTable, toggleInline, toggleLinePrefix } from './format.js'
import { PALETTE, linesTakeTheirOwnDirection, remoteSelections, renderPeople, slotAmong, slotOf } from './presence.js'
import { showMarkdown } from './preview.js'
import { startHistory } from './history.js'

function tokenFromFragment () {
  const params = new URLSearchParams(window.location.hash.slice(1))
  const token = params.get('token')
  if (token) {
    // Keep the token out of the history entry and of anything copied from the address bar.
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return token
}

/** Who this member is, for the name on their cursor; the account API answers that. */
async function whoAmI (token) {
  try {
    const response = await fetch('/api/v1/accounts/verify_credentials', {
      headers: { Authorization: `Bearer ${token}` }
    })
    if (!response.ok) return null
    const account = await response.json()
    return account.display_name || account.username || null
  } catch (error) {
    return null
  }
}

/** The document's title, shown as the page's heading once known. */
async function documentTitle (token, livePath) {
  try {
    const response = await fetch(livePath.replace(/\/live$/, ''), {
      headers: { Authorization: `Bearer ${token}` }
    })
    return response.ok ? (await response.json()).title : null
  } catch (error) {
    return null
  }
}

// Markdown highlighting straight from the Lezer parser (with GitHub's tables and strikethrough):
// @codemirror/lang-markdown would also bundle HTML, CSS and JavaScript parsers for code blocks.
const markdownLanguage = new Language(defineLanguageFacet(), markdownParser.configure([GFM]), [], 'markdown')

const undoKey = (key) => yUndoManagerKeymap.find((binding) => binding.key === key).run

function commands (root, view) {
  const labels = root.dataset
  const run = (make) => {
    const { from, to } = view.state.selection.main
    view.dispatch({ ...make(view.state.doc.toString(), from, to), scrollIntoView: true, userEvent: 'input' })
    view.focus()
    return true
  }
  return {
    bold: () => run((t, f, e) => toggleInline(t, f, e, '**')),
    italic: () => run((t, f, e) => toggleInline(t, f, e, '*')),
    heading: () => run((t, f, e) => toggleLinePrefix(t, f, e, 'heading')),
    bullets: () => run((t, f, e) => toggleLinePrefix(t, f, e, 'bullets')),
    numbers: () => run((t, f, e) => toggleLinePrefix(t, f, e, 'numbers')),
    link: () => run((t, f, e) => insertLink(t, f, e, labels.labelLinkText || 'link')),
    table: () => run((t, f, e) => insertTable(t, e, labels.labelColumn || 'Column')),
    // Only this member's own edits are undone (Y.UndoManager tracks the local origin).
    undo: () => { undoKey('Mod-z')(view); view.focus() },
    redo: () => { undoKey('Mod-Shift-z')(view); view.focus() }
  }
}

function start (root) {
  const status = root.querySelector('[data-status]')
  const setState = (state) => {
    status.dataset.status = state
    status.textContent = root.dataset[`label${state[0].toUpperCase()}${state.slice(1)}`] || state
    root.dataset.state = state
  }

  const token = tokenFromFragment()
  if (!token) {
    setState('notoken')
    return
  }

  const doc = new Y.Doc()
  const text = doc.getText('content')
  const awareness = new Awareness(doc)
  const someone = root.dataset.labelSomeone || '?'
  const slot = doc.clientID % PALETTE.length
  awareness.setLocalStateField('user', { name: someone, color: PALETTE[slot], colorLight: `${PALETTE[slot]}33` })
  whoAmI(token).then((name) => {
    if (name) awareness.setLocalStateField('user', { ...awareness.getLocalState().user, name })
  })
  documentTitle(token, root.dataset.live).then((title) => {
    if (!title) return
    document.querySelector('[data-title]').textContent = title
    document.title = title
  })

  const editable = new Compartment()
  const preview = root.querySelector('.preview')
  let pending = false
  const showPreview = () => {
    if (pending) return
    pending = true
    window.requestAnimationFrame(() => {
      pending = false
      showMarkdown(preview, text.toString())
    })
  }
  text.observe(showPreview)

  const undoManager = new Y.UndoManager(text)
  const shortcuts = [
    { key: 'Mod-b', run: (v) => commands(root, v).bold() },
    { key: 'Mod-i', run: (v) => commands(root, v).italic() },
    { key: 'Mod-k', run: (v) => commands(root, v).link() }
  ]
  const view = new EditorView({
    parent: root.querySelector('.editor'),
    state: EditorState.create({
      doc: text.toString(),
      extensions: [
        EditorView.cspNonce.of(root.dataset.styleNonce || ''),
        editable.of(EditorView.editable.of(false)),
        EditorView.lineWrapping,
        EditorView.perLineTextDirection.of(true),
        linesTakeTheirOwnDirection,
        EditorView.contentAttributes.of({
          'aria-label': root.dataset.labelDocument || '',
          spellcheck: 'true',
          autocapitalize: 'sentences'
        }),
        markdownLanguage,
        syntaxHighlighting(defaultHighlightStyle),
        keymap.of([...shortcuts, ...yUndoManagerKeymap, ...defaultKeymap]),
        yCollab(text, null, { undoManager }),
        remoteSelections(text, awareness, someone)
      ]
    })
  })
  const run = commands(root, view)
  for (const button of root.querySelectorAll('[data-command]')) {
    // mousedown would move the focus out of the editor and lose the selection first.
    button.addEventListener('mousedown', (event) => event.preventDefault())
    button.addEventListener('click', () => run[button.dataset.command]())
  }

  for (const button of root.querySelectorAll('[data-view]')) {
    button.addEventListener('click', () => {
      root.dataset.view = button.dataset.view
      for (const other of root.querySelectorAll('[data-view]')) {
        other.setAttribute('aria-pressed', String(other === button))
      }
      if (button.dataset.view === 'write') view.focus()
    })
  }

  // Two members in one colour would be told apart by name only: move off a taken colour.
  awareness.on('change', () => {
    const user = awareness.getLocalState()?.user
    if (!user) return
    const others = []
    awareness.getStates().forEach((state, id) => {
      if (id !== doc.clientID && state && state.user) others.push([id, slotOf(state, id)])
    })
    const mine = slotOf(awareness.getLocalState(), doc.clientID)
    const wanted = slotAmong(mine, doc.clientID, others)
    if (wanted !== mine) {
      awareness.setLocalStateField('user', { ...user, color: PALETTE[wanted], colorLight: `${PALETTE[wanted]}33` })
    }
  })

  const people = root.querySelector('.people')
  const drawPeople = () => renderPeople(people, awareness, root.dataset.labelYou || '', someone)
  awareness.on('change', drawPeople)
  drawPeople()

  const history = startHistory(root.querySelector('[data-history]'), {
    token, documentPath: root.dataset.live.replace(/\/live$/, '')
  })
  const saved = root.querySelector('[data-saved]')
  const connection = connect({
    path: root.dataset.live,
    token,
    doc,
    awareness,
    onState: (state) => {
      setState(state)
      if (state === 'synced' || state === 'ended' || state === 'refused') {
        view.dispatch({ effects: editable.reconfigure(EditorView.editable.of(state === 'synced')) })
      }
    },
    onSaved: () => {
      saved.textContent = root.dataset.labelSaved || ''
      history.refresh()
      window.setTimeout(() => { saved.textContent = '' }, 4000)
    }
  })
  root.querySelector('[data-save]').addEventListener('click', () => {
    saved.textContent = ''
    connection.save()
  })
}

const root = document.querySelector('[data-live]')
if (root) start(root)
