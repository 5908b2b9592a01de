// SMTP session transcripts (Sendmail "----- Transcript of session follows -----", Active!Hunter ...):
// ">>> COMMAND" lines are what we sent, "<<< 550 ..." lines the receiver's answers. Tells which command each
// failing answer belongs to, per recipient where the answer names one.

export interface TranscriptCommands {
  /** lower-case recipient → the command its own failing answer replied to */
  byRecipient: Map<string, string>;
  /** the command of the first failing answer that names no recipient; '' when none */
  general: string;
}

const SENT = /^\s*>>>\s+([A-Za-z]{4,8})\b(.*)$/;
const ANSWER = /^\s*<<<\s+([45]\d\d)\b(.*)$/;
/** An address; it starts only where a run of address characters starts, so a long run with no "@" is tried once. */
const ADDRESS = /<?(?<![^\s<>()[\]",;:@])([^\s<>()[\]",;:@]+@[A-Za-z0-9_.-]+\.[A-Za-z]{2,})>?/g;

/**
 * With PIPELINING, Sendmail prints only the last command of a batch (">>> DATA") and then every answer in the
 * batch: "<<< 550 5.1.1 <a@example.com>... User unknown" is the RCPT answer for that address, and the DATA answer
 * follows ("<<< 503 Need RCPT", "<<< 554 no valid recipients"). An answer that names a recipient (in its text or
 * in Sendmail's echo on the next line) after ">>> DATA" is therefore that recipient's RCPT answer.
 */
/** m-FILTER prints the failed command in a section of its own: "-------SMTP command" then "DATA". The blanks after
 *  "command" are taken up to the first line break, then any (`\s*\n\s*` tried every line break of a run of blank
 *  lines as the one: 60,000 of them took 2.3 s). */
const COMMAND_SECTION = /^-{3,}\s*SMTP command[^\S\n]*\n\s*(DATA|RCPT|MAIL|EHLO|HELO)\b/im;

export function transcriptCommands(text: string, recipients: ReadonlySet<string>): TranscriptCommands {
  const out: TranscriptCommands = { byRecipient: new Map(), general: '' };
  if (!text.includes('<<<')) {
    // the section's rule line needs "---": most texts have none, and the multi-line pattern is not run
    out.general = text.includes('---') ? (COMMAND_SECTION.exec(text)?.[1]?.toUpperCase() ?? '') : '';
    return out;
  }
  const lines = text.split('\n');
  let sent = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const cmd = SENT.exec(line);
    if (cmd) {
      sent = cmd[1].toUpperCase();
      continue;
    }
    const answer = ANSWER.exec(line);
    if (!answer || !sent) continue;
    const next = lines[i + 1] ?? '';
    const echo = /^\s*[45]\d\d\b/.test(next) && !next.startsWith('<<<') ? next : '';
    const named = namedRecipient(`${answer[2]} ${echo}`, recipients);
    if (named) {
      if (!out.byRecipient.has(named)) out.byRecipient.set(named, sent === 'DATA' ? 'RCPT' : sent);
    } else if (!out.general) {
      out.general = sent;
    }
  }
  return out;
}

function namedRecipient(text: string, recipients: ReadonlySet<string>): string {
  for (const m of text.matchAll(ADDRESS)) {
    const addr = m[1].toLowerCase().replace(/\.+$/, '');
    if (recipients.has(addr)) return addr;
  }
  return '';
}
