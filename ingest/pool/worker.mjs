// Worker entry: Node 20 workers cannot load .ts, so register tsx here and then import the TypeScript worker
// (the same trick as bin/bounce-pipeline.js).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
