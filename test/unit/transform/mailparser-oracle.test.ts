// mailparser as the oracle for our MIME splitter (transform/mime.ts + dsn/message.ts): over the Sisimai corpus, what
// we decode must match what simpleParser decodes from the same bytes: the subject, the From address, the
// delivery-status fields and the report text. The intended differences are listed here and in docs/parsing.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { simpleParser } from 'mailparser';
import { normalizeLineEnds, parseMail } from '../../../transform/mime.ts';
import { toBounceMessage } from '../../../transform/dsn/message.ts';
import { parseDeliveryStatus } from '../../../transform/dsn/rfc3464.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../../shared/corpus/sisimai/maildir/bsd');

/** Files whose report text differs from simpleParser's on purpose, by why (docs/parsing.md, "mailparser as the oracle"). */
const INTENDED_TEXT_DIFFERENCES: Record<string, string> = {
  // a boundary that never appears (or a missing one): we read the body as plain text, simpleParser gives none
  'lhost-apachejames-01.eml': 'broken boundary',
  'lhost-office365-09.eml': 'broken boundary',
  'lhost-office365-10.eml': 'broken boundary',
  'lhost-office365-11.eml': 'broken boundary',
  'lhost-office365-12.eml': 'broken boundary',
  'lhost-verizon-02.eml': 'broken boundary',
  'rhost-franceptt-07.eml': 'broken boundary',
  'rhost-google-02.eml': 'broken boundary',
  'lhost-mcafee-05.eml': 'broken boundary',
  'lhost-messagingserver-03.eml': 'broken boundary',
  'rfc3464-04.eml': 'broken boundary',
  'rfc3464-06.eml': 'broken boundary',
  'lhost-x1-02.eml': 'broken boundary',
  // HTML-only reports: we turn the HTML into text, simpleParser's text is empty
  'rhost-aol-01.eml': 'html only',
  'rhost-aol-02.eml': 'html only',
  'rhost-aol-03.eml': 'html only',
  'rhost-aol-04.eml': 'html only',
  // "ISO-2022-JP" parts carrying 8-bit bytes: TextDecoder gives U+FFFD, iconv-lite passes them through
  'lhost-ezweb-02.eml': '8-bit ISO-2022-JP',
  'lhost-ezweb-03.eml': '8-bit ISO-2022-JP',
  'lhost-ezweb-04.eml': '8-bit ISO-2022-JP',
  'lhost-ezweb-05.eml': '8-bit ISO-2022-JP',
  'lhost-kddi-01.eml': '8-bit ISO-2022-JP',
  // a text part that is an attachment in simpleParser's view (a PNG named as text)
  'rfc3464-66.eml': 'binary text part',
};

const ws = (s: string) => s.replace(/\s+/g, ' ').trim();
const dsRecipients = (text: string) =>
  text
    ? parseDeliveryStatus(normalizeLineEnds(Buffer.from(text)).toString())
        .recipients.map((r) => `${r.recipient}|${r.status}|${r.action}`)
        .sort()
    : [];

test('our MIME decoding agrees with mailparser over the corpus (subject, From, delivery-status, report text)', async (t) => {
  if (!existsSync(CORPUS)) {
    t.pass('corpus not present');
    return;
  }
  const disagree: string[] = [];
  let compared = 0;
  for (const name of readdirSync(CORPUS).sort()) {
    const raw = readFileSync(path.join(CORPUS, name));
    const mail = parseMail(normalizeLineEnds(raw));
    if (!mail) continue;
    compared++;
    const ours = toBounceMessage(mail);
    const ref = await simpleParser(raw, { keepDeliveryStatus: true });
    if (ws(ours.subject) !== ws(ref.subject ?? ''))
      disagree.push(`${name}: subject ${JSON.stringify(ours.subject)} vs ${JSON.stringify(ref.subject)}`);
    const from = (Array.isArray(ref.from) ? ref.from[0] : ref.from)?.value?.[0]?.address?.toLowerCase() ?? '';
    if (from && !ours.from.includes(from)) disagree.push(`${name}: from ${ours.from} vs ${from}`);
    const refDs = ref.attachments
      .filter((a) => /delivery-status/.test(a.contentType))
      .map((a) => a.content.toString('utf8'))
      .join('\n\n');
    t.deepEqual(dsRecipients(ours.deliveryStatus), dsRecipients(refDs), `${name}: delivery-status recipients`);
    const head = ws(ours.text).slice(0, 120);
    if (head && !ws(ref.text ?? '').includes(head) && !INTENDED_TEXT_DIFFERENCES[name])
      disagree.push(`${name}: report text ${JSON.stringify(head.slice(0, 60))}`);
  }
  t.true(compared > 600, `${compared} files compared`);
  t.deepEqual(disagree, []);
});
