// Haraka: DSN built by its outbound module; Received lines name Haraka.
import { defineLhost } from './define.ts';

export const haraka = defineLhost({
  name: 'haraka',
  match: [
    ['h:received', /\(Haraka\/[\d.]+\)/],
    ['h:x-haraka-bounce', /(?:)/],
    ['text', /\bHaraka\b/],
  ],
});
