import test from 'ava';
import { formatRows, isOutputFormat } from '../../queries/format.ts';

const rows = [
  { provider: 'microsoft', sending_ip: '198.51.100.7', rejections: 12, codes: ['S3140', 'S3150'] },
  { provider: 'google', sending_ip: '2001:db8::1', rejections: 3, codes: [] },
];

test('table: header, rule, aligned columns, numbers right-aligned', (t) => {
  t.is(
    formatRows(rows, 'table'),
    [
      'provider   sending_ip    rejections  codes',
      '---------  ------------  ----------  -----------',
      'microsoft  198.51.100.7          12  S3140,S3150',
      'google     2001:db8::1            3',
      '',
    ].join('\n'),
  );
});

test('csv: quoted where needed, arrays joined', (t) => {
  t.is(formatRows([{ a: 'x,y', b: 'say "hi"', c: [1, 2] }], 'csv'), 'a,b,c\n"x,y","say ""hi""","1,2"\n');
});

test('json: the rows as an array', (t) => {
  t.deepEqual(JSON.parse(formatRows(rows, 'json')), rows);
});

test('no rows: header from the given columns', (t) => {
  t.is(formatRows([], 'csv', ['a', 'b']), 'a,b\n');
  t.regex(formatRows([], 'table', ['a', 'b']), /^a {2}b\n- {2}-\n\(no rows\)\n$/);
  t.is(formatRows([], 'table'), '(no rows)\n');
  t.is(formatRows([], 'json'), '[]\n');
});

test('isOutputFormat', (t) => {
  t.true(isOutputFormat('csv'));
  t.false(isOutputFormat('xml'));
});
