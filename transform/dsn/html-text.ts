// HTML NDRs (Exchange Online, WorkMail) → plain lines. Linear regex passes, no DOM: we only need the words.
const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#39': "'" };

/** NDR bodies are small; past this the HTML is decoration (images, quoted originals) and is not converted. */
const MAX_HTML_CHARS = 256 * 1024;

export function htmlToText(html: string): string {
  return html
    .slice(0, MAX_HTML_CHARS)
    .replace(/<(head|style|script)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<br\b[^>]*>|<\/(?:p|div|tr|li|h\d|table|blockquote)\s*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
      const n = name.toLowerCase();
      if (n.startsWith('#x')) return String.fromCodePoint(parseInt(n.slice(2), 16) || 32);
      if (n.startsWith('#')) return n in ENTITIES ? ENTITIES[n] : String.fromCodePoint(parseInt(n.slice(1), 10) || 32);
      return ENTITIES[n] ?? whole;
    })
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/\n /g, '\n')
    .replace(/\n{3,}/g, '\n\n');
}
