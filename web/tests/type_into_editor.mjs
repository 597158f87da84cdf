// Opens the live-editor page in headless Chromium, waits until it is synced, types text at
// the end of the textarea and reports what the page showed, as one JSON line on stdout.
// Usage: node type_into_editor.mjs URL TEXT
import { chromium } from 'playwright-core'

const [url, text] = process.argv.slice(2)
if (!url || text === undefined) {
  console.error('usage: node type_into_editor.mjs URL TEXT')
  process.exit(2)
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'
  ]
})
try {
  const page = await browser.newPage()
  const errors = []
  page.on('pageerror', (error) => errors.push(String(error)))
  page.on('console', (message) => {
    // The browser's own favicon probe is not the page's doing.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      errors.push(`${message.text()} ${message.location().url}`)
    }
  })
  await page.goto(url)
  await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
  const before = await page.inputValue('textarea')
  await page.focus('textarea')
  await page.keyboard.press('End')
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text, { delay: 15 })
  await page.waitForFunction(
    (expected) => document.querySelector('textarea').value.endsWith(expected),
    text, { timeout: 10000 }
  )
  // Give the last keystroke's update time to leave the socket before the browser closes.
  await page.waitForTimeout(500)
  console.log(JSON.stringify({
    before,
    value: await page.inputValue('textarea'),
    state: await page.getAttribute('[data-live]', 'data-state'),
    status: await page.textContent('[data-status]'),
    location: page.url(),
    errors
  }))
} finally {
  await browser.close()
}
