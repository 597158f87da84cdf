// Opens the live-editor page, prints "synced" once it is, then waits for the page to say the
// member's access has ended (the test removes her from the space meanwhile), tries to type,
// and prints what the page showed as one JSON line.
// Usage: node access_ends.mjs URL
import { editorText, launch, watchErrors } from './browser.mjs'

const [url] = process.argv.slice(2)
const browser = await launch()
try {
  const page = await browser.newPage()
  const errors = []
  watchErrors(page, errors)
  await page.goto(url)
  await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
  console.log('synced')
  await page.waitForSelector('[data-state="ended"]', { timeout: 20000 })
  const before = await editorText(page)
  await page.click('.cm-content')
  await page.keyboard.type('after', { delay: 10 })
  await page.waitForTimeout(2000) // long enough for a reconnection attempt, were there one
  console.log(JSON.stringify({
    before,
    after: await editorText(page),
    state: await page.getAttribute('[data-live]', 'data-state'),
    status: await page.textContent('[data-status]'),
    errors
  }))
} finally {
  await browser.close()
}
