// The History panel: Amina (English) and Karima (Arabic), both at a phone's width, each add a
// line and save a version; Amina opens History, reads the versions' co-authors, chooses the
// older saved version and reads the diff, restores it (accepting the confirmation) and her
// editor must show its text. Screenshots of the panel at 360 px in both languages go to
// OUT_DIR. Prints one JSON line on stdout.
// Usage: node history_panel.mjs URL_A URL_B LINE_A LINE_B OUT_DIR
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { editorText, launch, watchErrors } from './browser.mjs'

const [urlA, urlB, lineA, lineB, outDir] = process.argv.slice(2)
if (!outDir) {
  console.error('usage: node history_panel.mjs URL_A URL_B LINE_A LINE_B OUT_DIR')
  process.exit(2)
}
mkdirSync(outDir, { recursive: true })

const browser = await launch()
try {
  const open = async (url, locale) => {
    const context = await browser.newContext({ locale, viewport: { width: 360, height: 740 } })
    const page = await context.newPage()
    const errors = []
    watchErrors(page, errors)
    await page.goto(url)
    await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
    return { page, errors }
  }
  const addAndSave = async ({ page }, line) => {
    await page.click('.cm-content')
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Enter')
    await page.keyboard.type(line, { delay: 15 })
    await page.waitForTimeout(400)
    await page.click('[data-save]')
    await page.waitForFunction(() => document.querySelector('[data-saved]').textContent !== '',
      null, { timeout: 10000 })
  }
  const a = await open(urlA, 'en-GB')
  const b = await open(urlB, 'ar')
  await addAndSave(a, lineA)
  const afterA = await editorText(a.page)
  await b.page.waitForFunction((t) => document.querySelector('.cm-content').textContent.includes(t),
    lineA, { timeout: 10000 })
  await addAndSave(b, lineB)
  await a.page.waitForFunction((t) => document.querySelector('.cm-content').textContent.includes(t),
    lineB, { timeout: 10000 })
  const latest = await editorText(a.page)

  const versions = (page) => page.evaluate(() => [...document.querySelectorAll('.versions li')].map((li) => ({
    label: li.querySelector('button').textContent,
    version: Number(li.querySelector('button').dataset.version),
    people: [...li.querySelectorAll('.coauthor')].map((e) => e.textContent),
    said: li.querySelector('.version-people').textContent,
    time: li.querySelector('time').getAttribute('datetime')
  })))
  const openHistory = async ({ page }, version) => {
    await page.click('.history summary')
    await page.waitForSelector(`.versions button[data-version="${version}"]`, { timeout: 10000 })
    await page.click(`.versions button[data-version="${version}"]`)
    await page.waitForSelector('.diff li', { timeout: 10000 })
  }
  const diffShown = (page) => page.evaluate(() => [...document.querySelectorAll('.diff li')].map((li) => ({
    kind: li.className,
    sign: li.querySelector('.diff-sign')?.textContent ?? null,
    said: li.querySelector('.visually-hidden')?.textContent ?? '',
    tag: li.querySelector('.diff-text')?.tagName ?? null,
    text: li.querySelector('.diff-text')?.textContent ?? li.textContent
  })))
  const shoot = async ({ page }, name) => {
    // The whole phone screen, scrolled to the panel, as a person holding it sees it.
    await page.evaluate(() => document.querySelector('.history').scrollIntoView({ block: 'start' }))
    const path = join(outDir, `${name}.png`)
    await page.screenshot({ path })
    return path
  }

  // Version 1 is the upload, 2 is Amina's save, 3 Karima's.
  await openHistory(a, 2)
  await openHistory(b, 2)
  const shown = {
    versions: await versions(a.page),
    versionsAr: await versions(b.page),
    diff: await diffShown(a.page),
    diffTitle: await a.page.textContent('[data-diff-title]'),
    diffTitleAr: await b.page.textContent('[data-diff-title]'),
    widths: await Promise.all([a.page, b.page].map((p) => p.evaluate(
      () => [document.documentElement.scrollWidth, document.documentElement.clientWidth]))),
    shots: [await shoot(a, 'editor-history-en-360'), await shoot(b, 'editor-history-ar-360')]
  }

  // Exports download through fetch with the token: the browser gets a file, named by the server.
  const [pdf] = await Promise.all([a.page.waitForEvent('download'), a.page.click('[data-export="pdf"]')])
  const pdfPath = join(outDir, 'history-export.pdf')
  await pdf.saveAs(pdfPath)
  shown.pdf = { name: pdf.suggestedFilename(), path: pdfPath }
  const [docx] = await Promise.all([a.page.waitForEvent('download'), a.page.click('[data-export="docx"]')])
  const docxPath = join(outDir, 'history-export.docx')
  await docx.saveAs(docxPath)
  shown.docx = { name: docx.suggestedFilename(), path: docxPath }

  // Restore, after the confirmation is read and accepted.
  const dialogs = []
  a.page.on('dialog', async (dialog) => { dialogs.push(dialog.message()); await dialog.accept() })
  await a.page.click('[data-restore]')
  await a.page.waitForFunction((t) => !document.querySelector('.cm-content').textContent.includes(t),
    lineB, { timeout: 10000 })
  await b.page.waitForFunction((t) => !document.querySelector('.cm-content').textContent.includes(t),
    lineB, { timeout: 10000 })
  await a.page.waitForSelector('.versions button[data-version="4"]', { timeout: 10000 })
  shown.dialogs = dialogs
  shown.status = await a.page.textContent('[data-history-status]')
  shown.afterA = afterA
  shown.latest = latest
  shown.restoredA = await editorText(a.page)
  shown.restoredB = await editorText(b.page)
  shown.versionsAfter = await versions(a.page)
  shown.errors = [...a.errors, ...b.errors]
  console.log(JSON.stringify(shown))
} finally {
  await browser.close()
}
