// The admin console in headless Chromium at a phone's width: an admin signs in with a
// two-factor code and works through the console's forms (invite, appoint a moderator, resolve a
// report by suspending the account, block a domain after its confirmation page, read the audit
// log); a moderator and a plain member try the pages they may not open; screenshots of the
// console's pages in English and Arabic. Prints one JSON line.
// Usage: node console.mjs BASE_URL JSON_ARGS
import { launch, watchErrors } from './browser.mjs'

const [base, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs || '{}')
const browser = await launch()
const errors = []
const out = { shots: [], statuses: {}, missing: [], laps: [] }
const started = Date.now()
const lap = (what) => out.laps.push(`${Date.now() - started} ms ${what}`)
const PHONE = { width: 360, height: 760 }

async function submitted (page, selector) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)])
  return response
}

// What an element of the loaded page says ('' when it is not there: no waiting for it).
function text (page, selector) {
  return page.evaluate((s) => (document.querySelector(s)?.textContent || '').trim(), selector)
}

function notice (page) {
  return text(page, '.notice')
}

async function signIn (page, who) {
  await page.goto(base + '/sign-in')
  await page.fill('#username', who.username)
  await page.fill('#password', who.password)
  await submitted(page, 'main button[type=submit]')
  const asked = new URL(page.url()).pathname
  await page.fill('#code', who.code)
  await submitted(page, 'main button[type=submit]')
  return asked
}

// Pages probed for their refusal: the browser's own report of that 403 or 404 is expected.
const probed = new Set()

async function status (page, path) {
  probed.add(base + path)
  const response = await page.goto(base + path)
  return response.status()
}

async function staffContext () {
  const context = await browser.newContext({ viewport: PHONE })
  const page = await context.newPage()
  watchErrors(page, errors)
  return page
}

try {
  lap('// A plain member')
  // A plain member (not yet a moderator) finds nothing under /admin.
  const mod = await staffContext()
  out.modAskedForCode = await signIn(mod, args.moderator)
  out.statuses.memberAdmin = await status(mod, '/admin')
  out.statuses.memberMembers = await status(mod, '/admin/members')

  lap('// The admin signs i')
  // The admin signs in with the password, then the code the test computed.
  const page = await staffContext()
  out.adminAskedForCode = await signIn(page, args.admin)
  const dashboard = await page.goto(base + '/admin')
  out.statuses.dashboard = dashboard.status()
  out.csp = dashboard.headers()['content-security-policy'] || ''
  out.inlineScripts = await page.locator('script:not([src])').count()
  out.inlineStyles = await page.locator('[style]').count()

  lap('// Invite a member')
  // Invite a member: the link is shown once on the members page.
  await page.goto(base + '/admin/members')
  await page.fill('#uses', '3')
  await page.selectOption('#days', '7')
  await submitted(page, 'form[action="/admin/members/invite"] button[type=submit]')
  out.inviteLink = await text(page, '#invite-link')

  lap('// Appoint the moder')
  // Appoint the moderator: change role, confirm on the next page.
  await page.goto(base + `/admin/members/${args.moderatorId}`)
  await page.selectOption('#type', 'change_role')
  await page.selectOption('#role-choice', 'moderator')
  await page.fill('#reason', 'covers the night shift')
  await submitted(page, `form[action="/admin/members/${args.moderatorId}/action"] button[type=submit]`)
  out.roleConfirmPage = await text(page, 'h1')
  await submitted(page, 'main form button.danger')
  out.roleNotice = await notice(page)
  out.role = await text(page, '#role')

  lap('// Resolve the repor')
  // Resolve the report by suspending the remote account, after the confirmation page.
  await page.goto(base + '/admin/reports')
  await submitted(page, `a[href="/admin/reports/${args.reportId}"]`)
  out.reportedAccount = await text(page, '#target')
  out.reportedPosts = await text(page, '#reported-posts')
  await page.check('input[name="resolution"][value="suspend"]')
  await submitted(page, `form[action="/admin/reports/${args.reportId}/resolve"] button[type=submit]`)
  out.suspendConfirmPage = await text(page, 'main p')
  await submitted(page, 'main form button.danger')
  out.resolvedNotice = await notice(page)

  lap('// The dashboard sho')
  // The dashboard shows the delivery queued for the peer before the block.
  await page.goto(base + '/admin')
  out.queueBefore = await text(page, '#hosts')

  lap('// Block the peer')
  // Block the peer's domain while it federates: the form, the confirmation, the list.
  await page.goto(base + '/admin/federation')
  await page.fill('#domain', args.peerHost)
  await page.selectOption('#severity', 'suspend')
  await page.fill('#public_comment', 'Harassment campaign')
  await page.fill('#private_comment', 'reports 1 and on')
  await submitted(page, 'form[action="/admin/federation/blocks"] button[type=submit]')
  out.blockConfirmPage = await text(page, 'main p')
  lap('confirm page')
  await submitted(page, 'main form button.danger')
  out.blockNotice = await notice(page)
  out.blocks = await text(page, '#blocks')
  await page.goto(base + '/admin')
  out.queueAfter = await text(page, '#hosts')

  lap('// The audit log')
  // The audit log, as the page shows it.
  await page.goto(base + '/admin/audit')
  out.audit = await page.locator('#audit-rows li').allTextContents()

  lap('// The appointed')
  // The appointed moderator: the dashboard and reports open, members and federation do not.
  out.statuses.moderatorDashboard = await status(mod, '/admin')
  out.statuses.moderatorReports = await status(mod, '/admin/reports')
  out.statuses.moderatorMembers = await status(mod, '/admin/members')
  out.moderatorMembersSays = await text(mod, 'h1')
  out.statuses.moderatorFederation = await status(mod, '/admin/federation')
  out.statuses.moderatorAudit = await status(mod, '/admin/audit')

  lap('// Screenshots at')
  // Screenshots at 360 px, English then Arabic; none may scroll sideways.
  const pages = [
    ['dashboard', '/admin'],
    ['members', '/admin/members'],
    ['federation', '/admin/federation'],
    ['reports', '/admin/reports?state=resolved'],
    ['audit', '/admin/audit']
  ]
  for (const lang of ['en', 'ar']) {
    await page.goto(base + '/admin')
    await submitted(page, `footer button[value="${lang}"]`)
    for (const [name, path] of pages) {
      await page.goto(base + path)
      const file = `${args.dir}/console-${name}-${lang}.png`
      await page.screenshot({ path: file, fullPage: true })
      out.shots.push({
        name,
        file,
        lang: await page.getAttribute('html', 'lang'),
        dir: await page.getAttribute('html', 'dir'),
        scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth)
      })
    }
  }
  lap('out.errors = errors')
  out.errors = errors.filter((e) => !(e.startsWith('Failed to load resource') && probed.has(e.split(' ').pop())))
  console.log(JSON.stringify(out))
} finally {
  await browser.close()
}
