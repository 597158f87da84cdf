// Two members in two browser contexts edit one document at once: one in English on a
// desktop-sized window, one in Arabic at a phone's width. Both type, delete and format at
// the same time (and one undoes a slip); then each must see the other's named cursor and both must show the same
// text. Screenshots of the editor in both languages at 360 and 1280 px go to OUT_DIR.
// Prints one JSON line on stdout.
// Usage: node two_members.mjs URL_A URL_B NAME_A NAME_B OUT_DIR
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { editorText, launch, watchErrors } from './browser.mjs'

const [urlA, urlB, nameA, nameB, outDir] = process.argv.slice(2)
if (!outDir) {
  console.error('usage: node two_members.mjs URL_A URL_B NAME_A NAME_B OUT_DIR')
  process.exit(2)
}
mkdirSync(outDir, { recursive: true })

const browser = await launch()
try {
  const open = async (url, locale, width, height) => {
    const context = await browser.newContext({ locale, viewport: { width, height } })
    const page = await context.newPage()
    const errors = []
    watchErrors(page, errors)
    await page.goto(url)
    await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
    return { page, errors }
  }
  const a = await open(urlA, 'en-GB', 1280, 800)
  const b = await open(urlB, 'ar', 360, 740)
  const others = (page) => page.evaluate(
    () => [...document.querySelectorAll('.person-name')].map((e) => e.textContent))
  // Both know who is here before anyone types.
  await a.page.waitForFunction((n) => [...document.querySelectorAll('.person-name')]
    .some((e) => e.textContent === n), nameB, { timeout: 15000 })
  await b.page.waitForFunction((n) => [...document.querySelectorAll('.person-name')]
    .some((e) => e.textContent === n), nameA, { timeout: 15000 })

  const typing = { delay: 25 }
  const amina = async () => {
    const { page } = a
    await page.click('.cm-content')
    await page.keyboard.press('Control+End')
    await page.keyboard.press('Enter')
    await page.keyboard.type('Alpha beta gamma delta', typing)
    for (let i = 0; i < 6; i++) await page.keyboard.press('Backspace') // " delta"
    await page.keyboard.press('Control+Shift+ArrowLeft') // "gamma"
    await page.keyboard.press('Control+b')
    await page.keyboard.press('Control+Home')
    await page.click('[data-command="heading"]')
    // A slip, undone with the toolbar: only her own last edit goes, not Karima's meanwhile.
    await page.waitForTimeout(700) // past the undo manager's 500 ms grouping
    await page.keyboard.press('Control+End')
    await page.keyboard.type(' oops', typing)
    await page.click('[data-command="undo"]')
  }
  const karima = async () => {
    const { page } = b
    await page.click('.cm-content')
    await page.keyboard.press('Control+Home')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown') // "Second line"
    await page.keyboard.press('End')
    await page.keyboard.type(' مرحبا بكم', typing)
    for (let i = 0; i < 2; i++) await page.keyboard.press('Backspace') // "بكم" -> "ب"
    await page.click('[data-command="bullets"]')
    await page.keyboard.press('Shift+Home') // a selection the other member sees
  }
  await Promise.all([amina(), karima()])

  // Each sees the other's cursor, labelled with the other's name.
  const seesCursorOf = (page, name) => page.waitForFunction((n) => [...document.querySelectorAll('.cm-peer-name')]
    .some((e) => e.textContent === n && e.getBoundingClientRect().width > 0), name, { timeout: 15000 })
  await seesCursorOf(a.page, nameB)
  await seesCursorOf(b.page, nameA)

  // Both editors settle on one text.
  let textA = ''
  let textB = ''
  for (let i = 0; i < 100; i++) {
    textA = await editorText(a.page)
    textB = await editorText(b.page)
    if (textA === textB) break
    await a.page.waitForTimeout(100)
  }
  const selectionShown = await a.page.evaluate(() => document.querySelectorAll('.cm-peer-selection').length)
  // How each browser lays out the mixed line, Karima's Arabic-named cursor at its start: in
  // the direction of its own first letters (English), not of the page or the name.
  const mixedLine = (page) => page.evaluate(() => {
    const line = [...document.querySelectorAll('.cm-line')].find((l) => l.textContent.includes('Second line'))
    return line ? getComputedStyle(line).direction : null
  })
  const mixedLineDirection = [await mixedLine(a.page), await mixedLine(b.page)]
  const colours = await a.page.evaluate(() => [...document.querySelectorAll('.person')].map((p) => p.className))

  // Screenshots: both languages at both widths; the phone also with the preview shown.
  const shots = []
  const shoot = async (page, name) => {
    await page.waitForTimeout(300)
    const path = join(outDir, `${name}.png`)
    await page.screenshot({ path })
    shots.push(path)
  }
  await shoot(a.page, 'editor-en-1280')
  await shoot(b.page, 'editor-ar-360')
  await b.page.click('[data-view="preview"]')
  await shoot(b.page, 'editor-ar-360-preview')
  await b.page.click('[data-view="write"]')
  await b.page.keyboard.press('End')
  await a.page.setViewportSize({ width: 360, height: 740 })
  await b.page.setViewportSize({ width: 1280, height: 800 })
  await shoot(a.page, 'editor-en-360')
  await shoot(b.page, 'editor-ar-1280')

  const lang = (page) => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])
  const result = {
    a: { text: textA, people: await others(a.page), lang: await lang(a.page), errors: a.errors },
    b: { text: textB, people: await others(b.page), lang: await lang(b.page), errors: b.errors },
    selectionShown,
    mixedLineDirection,
    colours,
    shots
  }
  // Karima leaves: Amina's page stops listing her and drops her cursor well before the
  // awareness protocol's 30-second timeout would.
  const left = Date.now()
  await b.page.context().close()
  await a.page.waitForFunction((n) => ![...document.querySelectorAll('.person-name, .cm-peer-name')]
    .some((e) => e.textContent === n), nameB, { timeout: 10000 })
  result.goneAfterMs = Date.now() - left
  result.a.peopleAfter = await others(a.page)
  console.log(JSON.stringify(result))
} finally {
  await browser.close()
}
