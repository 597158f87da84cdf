// The web app's journeys in headless Chromium, one phase per run so the Python test can do
// what a person does elsewhere (read the authenticator app, have an admin add a member) in
// between. Each phase prints one JSON line; cookies carry over in a storage-state file.
// Usage: node web_journey.mjs PHASE BASE_URL STATE_FILE JSON_ARGS
import { existsSync } from 'node:fs'
import { editorText, launch, watchErrors } from './browser.mjs'

const [phase, base, stateFile, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs || '{}')
const browser = await launch()
const errors = []
const out = { phase, errors }

async function submitted (page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

async function shoot (page, paths, dir) {
  // Screenshots of pages in English and Arabic at a phone's width and a desktop's.
  const shots = []
  for (const lang of ['en', 'ar']) {
    await page.goto(base + paths[0][1])
    await submitted(page, `footer button[value="${lang}"]`)
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 })
      for (const [name, path] of paths) {
        await page.goto(base + path)
        const file = `${dir}/web-${name}-${lang}-${width}.png`
        await page.screenshot({ path: file, fullPage: true })
        shots.push({ file, lang: await page.getAttribute('html', 'lang'), dir: await page.getAttribute('html', 'dir'), overflow: await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth) })
      }
    }
  }
  await page.goto(base + paths[0][1])
  await submitted(page, 'footer button[value="en"]')
  return shots
}

try {
  const context = await browser.newContext(existsSync(stateFile) ? { storageState: stateFile } : {})
  const page = await context.newPage()
  watchErrors(page, errors)

  if (phase === 'invite') {
    // Open the invitation, choose a name, a password and a language; land signed in; start
    // two-factor and read the key the page shows (as one would type it into an app).
    await page.goto(args.link)
    await page.fill('#username', args.username)
    await page.fill('#password', args.password)
    await page.fill('#password_again', args.password)
    await page.selectOption('#language', 'en')
    await submitted(page, 'main button[type=submit]')
    out.landed = new URL(page.url()).pathname
    out.notice = await page.textContent('.notice').catch(() => null)
    await page.goto(base + '/settings/security')
    await submitted(page, '#two-factor button[type=submit]')
    out.secret = (await page.textContent('#totp-secret')).trim()
    out.qrIsInlineSvg = await page.locator('.qr svg').count() === 1
  } else if (phase === 'two-factor') {
    // Confirm with the app's code, keep the recovery codes, sign out, sign in with a code.
    await page.goto(base + '/settings/security')
    await page.fill('#confirm-code', args.confirm)
    await submitted(page, '#two-factor button[type=submit]')
    out.recoveryCodes = await page.locator('#recovery-codes li').allTextContents()
    await submitted(page, 'form.sign-out button')
    out.signedOutAt = new URL(page.url()).pathname
    await page.fill('#username', args.username)
    await page.fill('#password', args.password)
    await submitted(page, 'main button[type=submit]')
    out.askedForCode = new URL(page.url()).pathname
    await page.fill('#code', args.signIn)
    await submitted(page, 'main button[type=submit]')
    await page.goto(base + '/settings')
    out.signedInAs = await page.textContent('main .handle')
  } else if (phase === 'post') {
    // Join the public space from the directory and post in it.
    await page.goto(base + '/spaces')
    await Promise.all([page.waitForNavigation(), page.click(`a[href="/space/${args.space}"]`)])
    await submitted(page, `form[action="/space/${args.space}/join"] button`)
    out.joined = await page.locator(`form[action="/space/${args.space}/leave"]`).count() === 1
    await page.goto(`${base}/compose?space=${args.space}`)
    await page.fill('#status', args.text)
    await submitted(page, 'form[action="/compose"] button[type=submit]')
    await page.goto(`${base}/space/${args.space}`)
    out.ownPostShown = (await page.textContent('main')).includes(args.text)
  } else if (phase === 'sign-in') {
    await page.goto(base + '/sign-in')
    await page.fill('#username', args.username)
    await page.fill('#password', args.password)
    await submitted(page, 'main button[type=submit]')
    await page.goto(`${base}/space/${args.space}`)
    out.seen = (await page.textContent('main')).includes(args.text)
  } else if (phase === 'private') {
    // Upload a document to the private space, create a Talk and answer it, open the editor.
    const space = `${base}/space/${args.space}`
    await page.goto(`${space}/library`)
    await page.setInputFiles('#file', { name: 'notes.md', mimeType: 'text/markdown', buffer: Buffer.from('# Case notes\n\nFirst line.\n') })
    await page.fill('#title', args.title)
    await submitted(page, `form[action="/space/${args.space}/library"] button[type=submit]`)
    await page.goto(`${space}/library`)
    out.uploaded = (await page.textContent('main')).includes(args.title)
    await page.goto(`${space}/talks`)
    await page.fill('#name', args.talk)
    await page.fill('#start_date', args.date)
    await page.fill('#start_time', '18:00')
    await submitted(page, `form[action="/space/${args.space}/talks"] button[type=submit]`)
    await page.goto(`${space}/talks`)
    await Promise.all([page.waitForNavigation(), page.click('a.talk-name')])
    await submitted(page, 'button[name="answer"][value="accept"]')
    out.answered = await page.locator('button[name="answer"][aria-pressed="true"]').count() === 1
    out.answeredWith = await page.locator('button[name="answer"][aria-pressed="true"]').getAttribute('value').catch(() => null)
    await page.goto(`${space}/library`)
    // The library's button issues the editor its token (a form, not a link) and opens it.
    const editor = page.locator('form[action="/editor/open"] button')
    out.editorLink = await editor.count() > 0
    if (out.editorLink) {
      await Promise.all([page.waitForNavigation(), editor.first().click()])
      await page.waitForSelector('[data-state="synced"]', { timeout: 15000 })
      out.editorState = await page.getAttribute('[data-live]', 'data-state')
      out.editorText = await editorText(page)
      out.editorLocation = page.url()
    }
  } else if (phase === 'screenshots') {
    out.shots = await shoot(page, args.pages, args.dir)
  } else {
    throw new Error(`unknown phase ${phase}`)
  }
  await context.storageState({ path: stateFile })
  console.log(JSON.stringify(out))
} finally {
  await browser.close()
}
