// The web app's spaces in headless Chromium: join a public space with its button, upload a
// document to a private space's library, publish a Talk and answer it, all with plain forms;
// then screenshots of the spaces pages in English and Arabic at a phone's width and a
// desktop's. Prints one JSON line.
// Usage: node web_spaces.mjs BASE_URL JSON_ARGS
import { launch, watchErrors } from './browser.mjs'

const [base, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs || '{}')
const browser = await launch()
const errors = []
const out = { errors, shots: [] }

async function submitted (page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

async function notice (page) {
  return ((await page.textContent('.notice').catch(() => '')) || '').trim()
}

try {
  const context = await browser.newContext()
  const page = await context.newPage()
  watchErrors(page, errors)
  await page.goto(base + '/sign-in')
  await page.fill('#username', args.username)
  await page.fill('#password', args.password)
  await submitted(page, 'main button[type=submit]')

  // The directory lists the public space; its page has the join button.
  await page.goto(base + '/spaces')
  await submitted(page, `a[href="/space/${args.publicSpace}"]`)
  await submitted(page, `form[action="/space/${args.publicSpace}/join"] button`)
  out.joined = await notice(page)

  // Upload a document to the private space's library.
  await page.goto(base + `/space/${args.privateSpace}/library`)
  await page.setInputFiles('#file', { name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from(args.document) })
  await page.fill('#title', args.title)
  await submitted(page, 'form[enctype="multipart/form-data"] button[type=submit]')
  out.uploaded = await notice(page)
  out.documentPath = new URL(page.url()).pathname
  // Text opens in the live editor (a form that hands the editor its token).
  out.editorPath = await page.getAttribute('main form[action="/editor/open"] input[name="path"]', 'value')

  // Publish a Talk and answer it.
  await page.goto(base + `/space/${args.privateSpace}/talks`)
  await page.fill('#name', args.talk)
  await page.fill('#content', 'Bring the case files.')
  await page.fill('#start_date', '2026-12-10')
  await page.fill('#start_time', '18:00')
  await page.fill('#end_time', '19:00')
  await page.selectOption('#offset', '+03:00')
  await page.fill('#location', 'https://meet.example/casework')
  await submitted(page, 'form[action$="/talks"] button[type=submit]')
  out.talkPath = new URL(page.url()).pathname
  await submitted(page, 'button[name="answer"][value="accept"]')
  out.answered = await page.getAttribute('button[name="answer"][value="accept"]', 'aria-pressed')

  const pages = [
    ['spaces', '/spaces'],
    ['space', `/space/${args.privateSpace}`],
    ['library', out.documentPath],
    ['talks', `/space/${args.privateSpace}/talks`],
    ['talk', out.talkPath]
  ]
  for (const lang of ['en', 'ar']) {
    await page.goto(base + '/spaces')
    await submitted(page, `footer button[value="${lang}"]`)
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 })
      for (const [name, path] of pages) {
        await page.goto(base + path)
        const file = `${args.dir}/spaces-${name}-${lang}-${width}.png`
        await page.screenshot({ path: file, fullPage: true })
        out.shots.push({
          file,
          lang: await page.getAttribute('html', 'lang'),
          dir: await page.getAttribute('html', 'dir'),
          overflow: await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)
        })
      }
    }
  }
  await page.goto(base + '/spaces')
  await submitted(page, 'footer button[value="en"]')
  console.log(JSON.stringify(out))
} finally {
  await browser.close()
}
