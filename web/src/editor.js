// Baraza's browser editor: a <textarea> bound to the document's shared Y.Text `content`,
// kept in step with the server over the y-websocket protocol (sync messages only).
//
// The member's token arrives in the URL fragment (`#token=...`), which browsers never send
// to the server; it is handed to the WebSocket as its subprotocol rather than in a query
// string, so it stays out of access logs. Every label shown comes from the page (data-*
// attributes rendered in the member's language), so this file holds no interface text.

import * as Y from 'yjs'
import * as syncProtocol from 'y-protocols/sync'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { diff, shiftPosition } from './textdiff.js'

const MESSAGE_SYNC = 0
const REMOTE = 'remote'
const LOCAL = 'local'
const MAX_BACKOFF_MS = 30000

function tokenFromFragment () {
  const params = new URLSearchParams(window.location.hash.slice(1))
  const token = params.get('token')
  if (token) {
    // Keep the token out of the history entry and of anything copied from the address bar.
    window.history.replaceState(null, '', window.location.pathname + window.location.search)
  }
  return token
}

function liveUrl (path) {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${window.location.host}${path}`
}

function start (root) {
  const textarea = root.querySelector('textarea')
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
  let socket = null
  let backoff = 500

  const send = (bytes) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(bytes)
  }

  doc.on('update', (update, origin) => {
    if (origin === REMOTE) return
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE_SYNC)
    syncProtocol.writeUpdate(encoder, update)
    send(encoding.toUint8Array(encoder))
  })

  textarea.addEventListener('input', () => {
    const change = diff(text.toString(), textarea.value)
    doc.transact(() => {
      if (change.remove) text.delete(change.index, change.remove)
      if (change.insert) text.insert(change.index, change.insert)
    }, LOCAL)
  })

  text.observe((event) => {
    if (event.transaction.origin === LOCAL) return
    const { selectionStart, selectionEnd } = textarea
    const focused = document.activeElement === textarea
    textarea.value = text.toString()
    if (focused) {
      textarea.setSelectionRange(
        shiftPosition(selectionStart, event.delta),
        shiftPosition(selectionEnd, event.delta)
      )
    }
  })

  const connect = () => {
    setState('connecting')
    socket = new WebSocket(liveUrl(root.dataset.live), [token])
    socket.binaryType = 'arraybuffer'
    socket.addEventListener('open', () => {
      backoff = 500
      setState('connected')
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      syncProtocol.writeSyncStep1(encoder, doc)
      send(encoding.toUint8Array(encoder))
    })
    socket.addEventListener('message', (event) => {
      const decoder = decoding.createDecoder(new Uint8Array(event.data))
      if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return // awareness, save notices
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, doc, REMOTE)
      if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder))
      if (kind === syncProtocol.messageYjsSyncStep2) {
        textarea.readOnly = false
        setState('synced')
      }
    })
    socket.addEventListener('close', () => {
      textarea.readOnly = true
      setState('disconnected')
      setTimeout(connect, backoff)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    })
  }
  connect()
}

const root = document.querySelector('[data-live]')
if (root) start(root)
