// Child process for lock tests: open the embedded store in argv[2], report one JSON line, close
// (with --die: exit at once without closing, as a crashed process would).
import { openStore } from '../../queries/client.ts';
import { testConfig } from '../../cli/config.ts';

const dataDir = process.argv[2];
try {
  const store = await openStore(testConfig({ store: { dataDir } }).store);
  process.stdout.write(`${JSON.stringify({ opened: true, pid: process.pid })}\n`);
  if (process.argv[3] === '--die') process.kill(process.pid, 'SIGKILL');
  await store.close();
} catch (err) {
  process.stdout.write(
    `${JSON.stringify({ opened: false, name: (err as Error).name, message: (err as Error).message })}\n`,
  );
}
