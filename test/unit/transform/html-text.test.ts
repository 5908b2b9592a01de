// htmlToText: the words of an HTML NDR, line breaks where the layout breaks lines; hostile shapes (runs of `<`,
// unclosed comments and <style>, numeric entities out of range) give their text back instead of hanging or throwing.
import test from 'ava';
import { htmlToText } from '../../../transform/dsn/html-text.ts';

test('an NDR layout becomes lines of words', (t) => {
  const html =
    '<html><head><style>p { color: red }</style></head><body><p>Delivery has failed<br>to <b>x@example.org</b></p>' +
    '<!-- a comment --><table><tr><td>Remote server</td><td>550 5.7.1</td></tr></table>&lt;ok&gt; &#65;&#x42;&nbsp;</body></html>';
  t.is(htmlToText(html), ' Delivery has failed\nto x@example.org\nRemote server 550 5.7.1 \n\n<ok> AB ');
});

test('unterminated tags, comments and skipped elements keep the text after them', (t) => {
  t.is(htmlToText('550 5.7.1 <a href="x'), '550 5.7.1 <a href="x');
  t.is(htmlToText('<!-- never closed <b>S3150</b>'), 'S3150'); // as a tag up to its first `>`
  t.is(htmlToText('<style>p{} <b>S3150</b>'), 'p{} S3150');
  t.is(htmlToText('<STYLE>p{}</Style >S3150'), ' S3150');
});

test('hostile runs give their text back', (t) => {
  const n = 200_000;
  t.is(htmlToText('<'.repeat(n)).length, n);
  t.is(htmlToText('<!--'.repeat(n / 4) + 'S3150'), '<!--'.repeat(n / 4) + 'S3150');
  t.is(htmlToText('<!--<p>'.repeat(n / 7) + 'S3150'), 'S3150');
  t.true(htmlToText('<style>'.repeat(n / 7) + 'S3150').endsWith('S3150'));
  t.notThrows(() => htmlToText('&#99999999; &#xFFFFFFF;'));
});

test('blank runs: one space each, as the plain /[ \\t\\u00a0]+/ replacement gave (5,000 generated texts)', (t) => {
  const pieces = [' ', '  ', '\t', '\u00a0', 'a', 'word', '\n', '\n\n\n', ' \t ', '\u00a0 '];
  let seed = 3;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 5_000; k++) {
    let text = '';
    for (let n = rand(20); n > 0; n--) text += pieces[rand(pieces.length)];
    const want = text
      .replace(/[ \t\u00a0]+/g, ' ')
      .replace(/\n /g, '\n')
      .replace(/\n{3,}/g, '\n\n');
    if (htmlToText(text) !== want) return t.fail(JSON.stringify(text));
  }
  t.pass();
});
