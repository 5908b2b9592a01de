// HTML NDRs (Exchange Online, WorkMail) → plain lines. One forward scan with indexOf, no DOM and no regex that
// can backtrack over the input: we only need the words, and hostile HTML (runs of `<`, `<!--`, `<style` with no
// end) must stay linear.
const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'" };

/** NDR bodies are small; past this the HTML is decoration (images, quoted originals) and is not converted. */
const MAX_HTML_CHARS = 256 * 1024;

/** Elements whose content is no text at all. */
const SKIPPED_ELEMENTS = new Set(['head', 'style', 'script']);
/** Closing tags that end a line, and those that end a table cell. */
const LINE_ENDS = new Set(['p', 'div', 'tr', 'li', 'table', 'blockquote', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
const CELL_ENDS = new Set(['td', 'th']);
const TAG_NAME = /\/?([a-z][a-z0-9]*)/y;

/** `indexOf` that remembers its last answer per needle, so a needle that is missing (or far) is searched once. */
function makeFinder(text: string): (needle: string, from: number) => number {
  const last = new Map<string, number>();
  return (needle, from) => {
    const known = last.get(needle);
    if (known !== undefined && (known === -1 || known >= from)) return known;
    const at = text.indexOf(needle, from);
    last.set(needle, at);
    return at;
  };
}

function stripTags(html: string): string {
  const lower = html.toLowerCase();
  const find = makeFinder(lower);
  const out: string[] = [];
  let i = 0;
  while (i < html.length) {
    // '<' and '>' are searched afresh: each search starts past the last one's answer, so together they read the
    // text once; the finder's memory is for the needles that may be missing or far (comment and element ends)
    const lt = lower.indexOf('<', i);
    if (lt < 0) break;
    out.push(html.slice(i, lt));
    if (lower.startsWith('<!--', lt)) {
      const end = find('-->', lt + 4);
      if (end >= 0) {
        out.push(' ');
        i = end + 3;
        continue;
      }
    }
    const gt = lower.indexOf('>', lt + 1);
    if (gt < 0) {
      i = lt; // an unterminated tag is kept as text
      break;
    }
    TAG_NAME.lastIndex = lt + 1;
    const m = TAG_NAME.exec(lower);
    const closing = lower[lt + 1] === '/';
    const name = m && m.index === lt + 1 ? m[1] : '';
    i = gt + 1;
    if (!closing && SKIPPED_ELEMENTS.has(name)) {
      const end = find(`</${name}`, gt + 1);
      const endGt = end >= 0 ? find('>', end) : -1;
      if (endGt >= 0) {
        out.push(' ');
        i = endGt + 1;
      }
    } else if (!closing && name === 'br') out.push('\n');
    else if (closing && LINE_ENDS.has(name)) out.push('\n');
    else if (closing && CELL_ENDS.has(name)) out.push(' ');
  }
  out.push(html.slice(i));
  return out.join('');
}

export function htmlToText(html: string): string {
  return (
    stripTags(html.slice(0, MAX_HTML_CHARS))
      .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{1,10}\d?);/gi, (whole, name: string) => {
        const n = name.toLowerCase();
        if (n.startsWith('#x')) return String.fromCodePoint(Math.min(parseInt(n.slice(2), 16), 0x10ffff) || 32);
        if (n.startsWith('#'))
          return n in ENTITIES ? ENTITIES[n] : String.fromCodePoint(Math.min(parseInt(n.slice(1), 10), 0x10ffff) || 32);
        return ENTITIES[n] ?? whole;
      })
      // runs of blanks become one space; a lone space is left alone (it already is one)
      .replace(/[ \t\u00a0]{2,}|[\t\u00a0]/g, ' ')
      .replace(/\n /g, '\n')
      .replace(/\n{3,}/g, '\n\n')
  );
}
