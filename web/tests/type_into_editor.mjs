// Opens the live-editor page in headless Chromium, waits until it is synced, types text at
// the end of the document and reports what the page showed, as one JSON line on stdout.
// Usage: node type_into_editor.mjs URL TEXT
import { editorText, launch, watchErrors } from './browser.mjs'

const [url, text] = process.argv.slice(2)
if (!url || text === undefined) {
  console.error('usage: node type_into_editor.mjs URL TEXT')
  process.exit(2)
}

const browser = await launch()
try {
  const page = await browser.newPage()
  const errors = []
  watchErrors(page, errors)
  await page.goto(url)
  await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
  const before = await editorText(page)
  await page.click('.cm-content')
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text, { delay: 15 })
  await page.waitForFunction(
    (expected) => document.querySelector('.cm-content').textContent.endsWith(expected),
    text, { timeout: 10000 }
  )
  // Give the last keystroke's update time to leave the socket before the browser closes.
  await page.waitForTimeout(500)
  console.log(JSON.stringify({
    before,
    value: await editorText(page),
    state: await page.getAttribute('[data-live]', 'data-state'),
    status: await page.textContent('[data-status]'),
    location: page.url(),
    errors
  }))
} finally {
  await browser.close()
}
