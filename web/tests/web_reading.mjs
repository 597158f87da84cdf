// Reading and posting in the web app, in headless Chromium: sign in, reply to a post from its
// page, like it with the page's button, then screenshots of the reading pages in English and
// Arabic at a phone's width and a desktop's. Prints one JSON line.
// Usage: node web_reading.mjs BASE_URL JSON_ARGS
import { launch, watchErrors } from './browser.mjs'

const [base, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs || '{}')
const browser = await launch()
const errors = []
const out = { errors, shots: [] }

async function submitted (page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)])
}

try {
  const context = await browser.newContext()
  const page = await context.newPage()
  watchErrors(page, errors)
  await page.goto(base + '/sign-in')
  await page.fill('#username', args.username)
  await page.fill('#password', args.password)
  await submitted(page, 'main button[type=submit]')

  // Reply from the post's page: its Reply link opens compose with the post shown above.
  await page.goto(base + args.post)
  await submitted(page, 'article.focus a[href^="/compose?in_reply_to_id="]')
  out.replyingShown = (await page.textContent('.replying')).includes(args.postText)
  await page.fill('#status', args.reply)
  await page.fill('#spoiler_text', args.warning)
  await submitted(page, 'form[action="/compose"] button[type=submit]')
  out.afterReply = new URL(page.url()).pathname
  out.notice = (await page.textContent('.notice').catch(() => '')) || ''
  await page.goto(base + args.post)
  out.replyInThread = (await page.textContent('section.replies')).includes(args.warning)

  // Like it with the button; the button reads as pressed afterwards, without a script.
  await submitted(page, 'article.focus form[action$="/like"] button')
  out.likedPressed = await page.getAttribute('article.focus form[action$="/unlike"] button', 'aria-pressed')

  for (const lang of ['en', 'ar']) {
    await page.goto(base + '/')
    await submitted(page, `footer button[value="${lang}"]`)
    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 800 })
      for (const [name, path] of args.pages) {
        await page.goto(base + path)
        const file = `${args.dir}/web-${name}-${lang}-${width}.png`
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
  await page.goto(base + '/')
  await submitted(page, 'footer button[value="en"]')
  console.log(JSON.stringify(out))
} finally {
  await browser.close()
}
