// The preview's Markdown: CommonMark with GitHub's tables (markdown-it). Raw HTML in the text
// is shown as text and only http(s), mailto, in-page and same-site links become links, so
// the preview shows what a document says without running or loading anything it holds.
import MarkdownIt from 'markdown-it'

const renderer = new MarkdownIt({ html: false, linkify: true })
renderer.validateLink = (url) => /^(https?:|mailto:|#|\/(?!\/))/i.test(url.trim())

/** The HTML of the preview for `text`. */
export function renderMarkdown (text) {
  return renderer.render(text)
}

const BLOCKS = 'p, ul, ol, li, h1, h2, h3, h4, h5, h6, blockquote, table, th, td, pre'

/** Shows `text` in `element`: each block takes its direction from its own first words,
 * whatever the page's language (an English list in an Arabic page keeps its bullets on the
 * left), and links open beside the editor rather than in its place. */
export function showMarkdown (element, text) {
  element.innerHTML = renderMarkdown(text)
  for (const block of element.querySelectorAll(BLOCKS)) block.dir = 'auto'
  for (const link of element.querySelectorAll('a[href]')) {
    link.target = '_blank'
    link.rel = 'noopener noreferrer'
  }
}
