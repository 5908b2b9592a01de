import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
const dir = process.argv[2];
const c = createClient({ connection: createChdbConnection({ path: dir }) as any });
try {
  await c.command({ query: 'CREATE DATABASE IF NOT EXISTS x' });
  const rs = await c.query({ query: 'SELECT 1 AS a', format: 'JSONEachRow' });
  console.log(process.argv[3], 'ok', JSON.stringify(await rs.json()));
  if (process.argv[3] === 'first') await new Promise((r) => setTimeout(r, 8000));
} catch (e) { console.log(process.argv[3], 'ERR', (e as Error).message.slice(0, 300)); }
await c.close();
