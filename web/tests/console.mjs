// The admin console in headless Chromium at a phone's width: an admin signs in with a
// two-factor code and works through the console's forms (invite, appoint a moderator, create a
// private space and appoint its moderator, resolve a report by suspending the account, block a
// peer from its page, import a blocklist after its preview, read the audit log); a plain member
// and then a moderator try the pages they may not open; screenshots of the console's pages in
// English and Arabic. Prints one JSON line; `laps` says where the time went.
// Usage: node console.mjs BASE_URL JSON_ARGS
import { launch, watchErrors } from './browser.mjs'

const [base, rawArgs] = process.argv.slice(2)
const args = JSON.parse(rawArgs || '{}')
const browser = await launch()
const errors = []
const out = { shots: [], statuses: {}, laps: [] }
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

// A long action lands on its job page, which reloads itself every second until it is done.
async function jobDone (page) {
  const where = new URL(page.url()).pathname
  await page.waitForSelector('#job:not([data-state="running"])', { timeout: 20000 })
  return { where, state: await page.getAttribute('#job', 'data-state') }
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
  lap('member')
  // A plain member (not yet a moderator) finds nothing under /admin.
  const mod = await staffContext()
  out.modAskedForCode = await signIn(mod, args.moderator)
  out.statuses.memberAdmin = await status(mod, '/admin')
  out.statuses.memberMembers = await status(mod, '/admin/members')

  lap('sign in')
  // The admin signs in with the password, then the code the test computed.
  const page = await staffContext()
  out.adminAskedForCode = await signIn(page, args.admin)
  const dashboard = await page.goto(base + '/admin')
  out.statuses.dashboard = dashboard.status()
  out.csp = dashboard.headers()['content-security-policy'] || ''
  out.inlineScripts = await page.locator('script:not([src])').count()
  out.inlineStyles = await page.locator('[style]').count()

  lap('invite')
  // Invite a member: the link is shown once on the members page.
  await page.goto(base + '/admin/members')
  await page.fill('#uses', '3')
  await page.selectOption('#days', '7')
  await submitted(page, 'form[action="/admin/members/invite"] button[type=submit]')
  out.inviteLink = await text(page, '#invite-link')

  lap('role')
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

  lap('spaces')
  // Create a private space, then appoint a moderator of it on its page.
  await page.goto(base + '/admin/spaces')
  await page.fill('#name', args.space.name)
  await page.fill('#display_name', args.space.displayName)
  await page.check('input[name="kind"][value="private"]')
  await submitted(page, 'form[method="post"][action="/admin/spaces"] button[type=submit]')
  out.space = { notice: await notice(page), path: new URL(page.url()).pathname, kind: await text(page, '#kind') }
  await page.fill('#member', args.space.moderator)
  await submitted(page, 'button[name="type"][value="moderator_add"]')
  out.space.moderatorNotice = await notice(page)
  out.space.moderators = await text(page, '#moderators')

  lap('report')
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

  lap('queue')
  // The dashboard shows the delivery queued for the peer before the block.
  await page.goto(base + '/admin')
  out.queueBefore = await text(page, '#hosts')

  lap('block')
  // Block the peer from its own page while it federates: the confirmation, then the page again.
  const peerPage = `/admin/federation/instances/${args.peerDomain}`
  await page.goto(base + '/admin/federation/instances')
  await submitted(page, `a[href="${peerPage}"]`)
  out.peerBefore = { state: await text(page, '#peer-state'), queue: await text(page, '#peer-queue') }
  await page.selectOption('#severity', 'suspend')
  await page.fill('#public_comment', 'Harassment campaign')
  await page.fill('#private_comment', 'reports 1 and on')
  await submitted(page, `form[action="/admin/federation/blocks"] button[type=submit]`)
  out.blockConfirmPage = await text(page, 'main p')
  await submitted(page, 'main form button.danger')
  out.blockJob = await jobDone(page)
  out.blockNotice = await text(page, '#job-done')
  await submitted(page, '#job-back')
  out.peerAfter = {
    path: new URL(page.url()).pathname,
    state: await text(page, '#peer-state'),
    queue: await text(page, '#peer-queue'),
    cancelled: await text(page, '#peer-cancelled'),
    block: await text(page, '#peer-block')
  }
  await page.goto(base + '/admin')
  out.queueAfter = await text(page, '#hosts')

  lap('screenshots')
  // Screenshots at 360 px, English then Arabic; none may scroll sideways.
  const pages = [
    ['dashboard', '/admin'],
    ['members', '/admin/members'],
    ['spaces', '/admin/spaces'],
    ['federation', '/admin/federation'],
    ['instance', peerPage],
    ['reports', '/admin/reports?state=resolved'],
    ['report', `/admin/reports/${args.reportId}`],
    ['audit', '/admin/audit']
  ]
  for (const lang of ['en', 'ar']) {
    await page.goto(base + '/admin')
    await submitted(page, `footer button[value="${lang}"]`)
    for (const [name, path] of pages) {
      await page.goto(base + path)
      const file = `${args.dir}/console-${name}-${lang}.png`
      // A page longer than a few screens keeps its top (the federation page lists every block).
      const height = await page.evaluate(() => document.documentElement.scrollHeight)
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: PHONE.width, height: Math.min(height, 3000) } })
      out.shots.push({
        name,
        file,
        lang: await page.getAttribute('html', 'lang'),
        dir: await page.getAttribute('html', 'dir'),
        scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth)
      })
    }
  }
  await page.goto(base + '/admin')
  await submitted(page, 'footer button[value="en"]')

  lap('import')
  // Import a blocklist: the preview first (nothing new blocked yet, as the export shows), then
  // apply it.
  await page.goto(base + '/admin/federation')
  await page.setInputFiles('#blocklist-file', args.blocklist)
  await submitted(page, 'form[action="/admin/federation/import"] button[type=submit]')
  out.preview = {
    added: await text(page, '#count-added'),
    changed: await text(page, '#count-changed'),
    skipped: await text(page, '#count-skipped'),
    firstSkipped: await text(page, '#skipped li'),
    exportedDuringPreview: (await (await page.request.get(base + '/admin/federation/export')).text()).trim().split('\n').length
  }
  lap('apply')
  await submitted(page, '#apply')
  out.importJob = await jobDone(page)
  out.imported = { added: await text(page, '#done-added'), skipped: await text(page, '#done-skipped') }

  lap('audit')
  // The audit log, as the page shows it.
  await page.goto(base + '/admin/audit')
  out.audit = await page.locator('#audit-rows li').allTextContents()

  lap('moderator')
  // The appointed moderator: the dashboard and reports open, members and federation do not.
  out.statuses.moderatorDashboard = await status(mod, '/admin')
  out.statuses.moderatorReports = await status(mod, '/admin/reports')
  out.statuses.moderatorMembers = await status(mod, '/admin/members')
  out.moderatorMembersSays = await text(mod, 'h1')
  out.statuses.moderatorFederation = await status(mod, '/admin/federation')
  out.statuses.moderatorAudit = await status(mod, '/admin/audit')
  out.statuses.moderatorSpaces = await status(mod, '/admin/spaces')
  out.statuses.moderatorPeer = await status(mod, `/admin/federation/instances/${args.peerDomain}`)

  lap('done')
  out.errors = errors.filter((e) => !(e.startsWith('Failed to load resource') && probed.has(e.split(' ').pop())))
  console.log(JSON.stringify(out))
} finally {
  await browser.close()
}
