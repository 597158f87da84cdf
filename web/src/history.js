// The editor page's History panel: the document's versions with their co-authors, what
// changed from a chosen version to the current one, restoring it as a new version, and
// downloading it as PDF or DOCX. Everything goes through the client API with the member's
// token (clientapi/spaces/space_library.py, document_history.py); every label comes from the
// page, in the member's language.

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole))

const nameOf = (account) => account.display_name || account.username || account.acct || '?'

/** One diff line as a list item: its sign shown, and said in words for a screen reader. */
function diffLine (line, labels) {
  const item = document.createElement('li')
  const kinds = { '+': ['added', 'ins', labels.labelAdded], '-': ['removed', 'del', labels.labelRemoved] }
  if (line.op === '@') {
    item.className = 'diff-gap'
    item.textContent = '⋯'
    item.setAttribute('aria-hidden', 'true')
    return item
  }
  const [kind, tag, said] = kinds[line.op] || ['same', 'span', '']
  item.className = `diff-${kind}`
  const sign = document.createElement('span')
  sign.className = 'diff-sign'
  sign.setAttribute('aria-hidden', 'true')
  sign.textContent = line.op === '+' ? '+' : line.op === '-' ? '−' : ' '
  item.append(sign)
  if (said) {
    const words = document.createElement('span')
    words.className = 'visually-hidden'
    words.textContent = `${said} `
    item.append(words)
  }
  const text = document.createElement(tag)
  text.className = 'diff-text'
  text.textContent = line.text
  item.append(text)
  return item
}

/** Saves a response's body as a file the browser downloads (a token cannot ride on a link). */
async function download (response, fallbackName) {
  const disposition = response.headers.get('Content-Disposition') || ''
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition)
  const plain = /filename="?([^";]+)"?/i.exec(disposition)
  const name = star ? decodeURIComponent(star[1]) : plain ? plain[1] : fallbackName
  const url = URL.createObjectURL(await response.blob())
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = name
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  window.setTimeout(() => URL.revokeObjectURL(url), 10000)
}

export function startHistory (panel, { token, documentPath }) {
  const labels = panel.dataset
  const list = panel.querySelector('.versions')
  const detail = panel.querySelector('.version-detail')
  const diff = panel.querySelector('.diff')
  const title = panel.querySelector('[data-diff-title]')
  const restore = panel.querySelector('[data-restore]')
  const status = panel.querySelector('[data-history-status]')
  const auth = { Authorization: `Bearer ${token}` }
  const when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: 'medium', timeStyle: 'short'
  })
  const together = new Intl.ListFormat(document.documentElement.lang || undefined, { type: 'conjunction' })
  let current = null
  let chosen = null

  const say = (text) => { status.textContent = text || '' }

  async function choose (number) {
    chosen = number
    for (const button of list.querySelectorAll('button[data-version]')) {
      button.setAttribute('aria-pressed', String(Number(button.dataset.version) === number))
    }
    detail.hidden = false
    diff.replaceChildren()
    restore.hidden = number === current
    if (number === current) {
      title.textContent = labels.labelSame
      return
    }
    title.textContent = fill(labels.labelChanges, { from: number, to: current })
    const response = await fetch(`${documentPath}/diff?from=${number}`, { headers: auth })
    if (!response.ok) { say(labels.labelFailed); return }
    const body = await response.json()
    if (!body.lines.some((line) => line.op === '+' || line.op === '-')) {
      const none = document.createElement('li')
      none.textContent = labels.labelNochange
      diff.append(none)
      return
    }
    // A gap mark says lines were left out between two changes; before the first it says nothing.
    const lines = body.lines[0]?.op === '@' ? body.lines.slice(1) : body.lines
    diff.append(...lines.map((line) => diffLine(line, labels)))
  }

  function versionItem (version) {
    const item = document.createElement('li')
    const button = document.createElement('button')
    button.type = 'button'
    button.dataset.version = version.version
    button.setAttribute('aria-pressed', 'false')
    button.textContent = fill(labels.labelVersion, { n: version.version })
    if (version.version === current) button.textContent += ` ${labels.labelCurrent}`
    button.addEventListener('click', () => choose(version.version))
    const time = document.createElement('time')
    time.dateTime = version.created_at
    time.textContent = when.format(new Date(version.created_at))
    const who = document.createElement('span')
    who.className = 'version-people'
    const people = version.coauthors.length ? version.coauthors : version.uploader ? [version.uploader] : []
    const label = version.coauthors.length ? labels.labelCoauthors : labels.labelUploader
    if (people.length) {
      who.append(`${label} `)
      // "A, B and C" in the page's language, each name isolated from the text around it.
      const names = people.map(nameOf)
      let index = 0
      for (const part of together.formatToParts(names)) {
        if (part.type === 'literal') { who.append(part.value); continue }
        const name = document.createElement('bdi')
        name.className = 'coauthor'
        name.textContent = names[index++]
        who.append(name)
      }
    }
    item.append(button, ' ', time, ' ', who)
    return item
  }

  async function load () {
    say(labels.labelLoading)
    try {
      const response = await fetch(documentPath, { headers: auth })
      if (!response.ok) throw new Error(String(response.status))
      const document_ = await response.json()
      current = document_.version
      list.replaceChildren(...[...document_.versions].reverse().map(versionItem))
      say('')
      if (chosen !== null) await choose(chosen)
    } catch (error) {
      say(labels.labelFailed)
    }
  }

  panel.addEventListener('toggle', () => { if (panel.open) load() })

  restore.addEventListener('click', async () => {
    const number = chosen
    if (number === null || !window.confirm(fill(labels.labelConfirm, { n: number }))) return
    const response = await fetch(`${documentPath}/versions/${number}/restore`, { method: 'POST', headers: auth })
    if (!response.ok) { say(labels.labelRestoreFailed); return }
    const body = await response.json()
    chosen = body.version
    await load()
    say(fill(labels.labelRestored, { n: number, m: body.version }))
  })

  for (const button of panel.querySelectorAll('[data-export]')) {
    button.addEventListener('click', async () => {
      const kind = button.dataset.export
      const version = chosen ?? current
      const query = version === null ? '' : `&version=${version}`
      try {
        const response = await fetch(`${documentPath}/export?format=${kind}${query}`, { headers: auth })
        if (!response.ok) throw new Error(String(response.status))
        await download(response, `version-${version}.${kind}`)
        say('')
      } catch (error) {
        say(labels.labelDownloadFailed)
      }
    })
  }

  return { refresh: () => { if (panel.open) load() } }
}
