#!/usr/bin/env node
// `npm test`: runs the ava suite. (The Kafka issue extends this to start a local broker when none answers.)
import { spawnSync } from 'node:child_process';

const result = spawnSync('npx', ['ava', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
