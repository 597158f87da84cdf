// What the editor tests share: Debian's Chromium under playwright-core, the text a person
// sees in the editor, and the errors the page reports (a blocked style or script under the
// page's Content-Security-Policy is one).
import { chromium } from 'playwright-core'

export function launch () {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'
    ]
  })
}

/** Collects the page's script errors and console errors into `errors`. */
export function watchErrors (page, errors) {
  page.on('pageerror', (error) => errors.push(String(error)))
  page.on('console', (message) => {
    // The browser's own favicon probe is not the page's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      errors.push(`${message.text()} ${message.location().url}`)
    }
  })
}

/** The document as the editor shows it: its lines, without other members' name labels. */
export function editorText (page) {
  return page.evaluate(() => [...document.querySelectorAll('.cm-content > .cm-line')].map((line) => {
    const copy = line.cloneNode(true)
    for (const label of copy.querySelectorAll('.cm-peer-caret')) label.remove()
    return copy.textContent.replace(/\u2060/g, '')
  }).join('\n'))
}
