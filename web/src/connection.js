// The socket to the document's room: y-websocket framing (sync 0, awareness 1) plus Baraza's
// save message (100), reconnecting with backoff. Edits made while disconnected stay in the
// local Y.Doc and reach the server on reconnection (the server's sync step 1 asks for them).

import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'

const MESSAGE_SYNC = 0
const MESSAGE_AWARENESS = 1
const MESSAGE_SAVE = 100
const MAX_BACKOFF_MS = 30000
export const REMOTE = 'remote'

// The room's close codes (clientapi/spaces/live.py) after which reconnecting cannot help:
// access ended (token revoked, account suspended, removed from the space), or a message the
// server will never take (malformed, over 1 MB).
const FINAL_CLOSES = { 4401: 'ended', 4403: 'ended', 4400: 'refused', 4413: 'refused' }

function liveUrl (path) {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return `${scheme}//${window.location.host}${path}`
}

function frame (type, write) {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, type)
  write(encoder)
  return encoding.toUint8Array(encoder)
}

/**
 * Connects `doc` and `awareness` to the room at `path`, the token as the WebSocket
 * subprotocol (kept out of URLs and so out of access logs). `onState` hears 'connecting',
 * 'connected', 'synced', 'disconnected', and, for good, 'ended' or 'refused'; `onSaved` hears
 * the server's answer to `save()`.
 */
export function connect ({ path, token, doc, awareness, onState, onSaved }) {
  let socket = null
  let backoff = 500
  let closedForGood = false

  const send = (bytes) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(bytes)
  }

  doc.on('update', (update, origin) => {
    if (origin !== REMOTE) send(frame(MESSAGE_SYNC, (e) => syncProtocol.writeUpdate(e, update)))
  })

  awareness.on('update', ({ added, updated, removed }, origin) => {
    if (origin === REMOTE) return
    const changed = [...added, ...updated, ...removed]
    send(frame(MESSAGE_AWARENESS, (e) =>
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, changed))))
  })

  const receive = (data) => {
    const decoder = decoding.createDecoder(new Uint8Array(data))
    const type = decoding.readVarUint(decoder)
    if (type === MESSAGE_SYNC) {
      const encoder = encoding.createEncoder()
      encoding.writeVarUint(encoder, MESSAGE_SYNC)
      const kind = syncProtocol.readSyncMessage(decoder, encoder, doc, REMOTE)
      if (encoding.length(encoder) > 1) send(encoding.toUint8Array(encoder))
      if (kind === syncProtocol.messageYjsSyncStep2) onState('synced')
    } else if (type === MESSAGE_AWARENESS) {
      awarenessProtocol.applyAwarenessUpdate(awareness, decoding.readVarUint8Array(decoder), REMOTE)
    } else if (type === MESSAGE_SAVE) {
      onSaved()
    }
  }

  const open = () => {
    onState('connecting')
    socket = new WebSocket(liveUrl(path), [token])
    socket.binaryType = 'arraybuffer'
    socket.addEventListener('open', () => {
      backoff = 500
      onState('connected')
      send(frame(MESSAGE_SYNC, (e) => syncProtocol.writeSyncStep1(e, doc)))
      send(frame(MESSAGE_AWARENESS, (e) =>
        encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]))))
    })
    socket.addEventListener('message', (event) => receive(event.data))
    socket.addEventListener('close', (event) => {
      // Whoever we saw is no longer known to be here; they are announced again on reconnection.
      const others = [...awareness.getStates().keys()].filter((id) => id !== doc.clientID)
      awarenessProtocol.removeAwarenessStates(awareness, others, REMOTE)
      if (closedForGood) return
      const final = FINAL_CLOSES[event.code]
      if (final) {
        // Trying again would be refused the same way (or resend what was refused).
        closedForGood = true
        onState(final)
        return
      }
      onState('disconnected')
      setTimeout(open, backoff)
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    })
  }

  // Leaving the page tells the others at once instead of after the awareness timeout.
  window.addEventListener('pagehide', () => {
    closedForGood = true
    awarenessProtocol.removeAwarenessStates(awareness, [doc.clientID], 'window unload')
    if (socket) socket.close()
  })

  open()
  return { save: () => send(frame(MESSAGE_SAVE, () => {})) }
}
