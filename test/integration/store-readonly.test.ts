// A user that may not run DDL (a readonly profile like the production reader's, or an insert-only grant) on a
// migrated store: commands that "apply pending migrations themselves" must not need DDL then, and must say what to do
// when something is pending. Real engine: chDB refuses DDL under readonly=2 exactly as a server does (code 164).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ensureSchema, migrate, MIGRATIONS_DIR, MigrationError } from '../../queries/migrate.ts';
import { runNamed } from '../../queries/named.ts';
import { freshStore, type TestStore } from '../helpers/store.ts';

let store: TestStore;
test.before(async () => {
  store = await freshStore();
  await store.client.command({ query: 'CREATE DATABASE IF NOT EXISTS never_migrated' });
  // From here on this session may read and change settings, never write (readonly cannot be lowered again).
  await store.client.command({ query: 'SET readonly = 2' });
});
test.after.always(async () => {
  await store?.close();
});

test.serial('the session really is read-only', async (t) => {
  const err = await t.throwsAsync(
    store.client.command({ query: 'CREATE TABLE IF NOT EXISTS x (a UInt8) ENGINE = Memory' }),
  );
  t.is(String((err as { code?: unknown }).code), '164');
});

test.serial('a migrated store: ensureSchema needs no DDL, and the named queries run', async (t) => {
  const result = await ensureSchema(store, store.config);
  t.deepEqual(result.applied, []);
  t.true(result.existing.length >= 7);
  const rows = await runNamed(store, 'active-listings', {});
  t.true(Array.isArray(rows));
});

test.serial(
  'a pending migration and a user that may not apply it: a clear error naming it and what to do',
  async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-mig-'));
    for (const f of fs.readdirSync(MIGRATIONS_DIR)) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    fs.writeFileSync(
      path.join(dir, '9999_later.sql'),
      'CREATE TABLE IF NOT EXISTS later (a UInt8) ENGINE = MergeTree ORDER BY a;\n',
    );
    const err = await t.throwsAsync(migrate(store, { ...store.config.store, migrationsDir: dir }), {
      instanceOf: MigrationError,
    });
    t.regex(err.message, /1 migration\(s\) pending \(9999_later\)/);
    t.regex(err.message, /bounce-pipeline migrate.*bounce_admin/);
    fs.rmSync(dir, { recursive: true, force: true });
  },
);

test.serial(
  'a store never migrated and a user that may not create the schema: a clear error, not a SQL one',
  async (t) => {
    await store.client.command({ query: 'USE never_migrated' });
    try {
      const err = await t.throwsAsync(ensureSchema(store, store.config), { instanceOf: MigrationError });
      t.regex(err.message, /no schema yet.*bounce-pipeline migrate/);
    } finally {
      await store.client.command({ query: `USE ${store.database}` });
    }
  },
);
