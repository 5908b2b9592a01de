// An lhost module is data: which messages it recognises (match rows) and any extra recipient-line patterns.
import type { DsnFields } from '../../dsn-fields.ts';
import type { BounceMessage } from '../message.ts';
import { parseReport, type ReportRules } from '../parse-report.ts';

/** Where a match row looks: From, Subject, report text, delivery-status part, or any top header `h:<name>`. */
export type Where = 'from' | 'subject' | 'text' | 'ds' | `h:${string}`;

export interface LhostSpec extends ReportRules {
  name: string;
  /** the module applies when any row matches */
  match: ReadonlyArray<readonly [Where, RegExp]>;
}

export interface Lhost {
  name: string;
  matches: (msg: BounceMessage) => boolean;
  parse: (msg: BounceMessage) => DsnFields | null;
}

export function defineLhost(spec: LhostSpec): Lhost {
  const rows = spec.match.map(([where, re]) => rowTest(where, re));
  return {
    name: spec.name,
    matches: (msg) => rows.some((test) => test(msg)),
    parse: (msg) => parseReport(msg, spec.name, spec),
  };
}

/** A row compiled once: the header name cut out of `h:<name>` here, not on every message; a row whose pattern
 *  is empty (`/(?:)/`) only asks whether the header is there. */
function rowTest(where: Where, re: RegExp): (msg: BounceMessage) => boolean {
  switch (where) {
    case 'from':
      return (msg) => re.test(msg.from);
    case 'subject':
      return (msg) => re.test(msg.subject);
    case 'text':
      return (msg) => re.test(msg.text);
    case 'ds':
      return (msg) => re.test(msg.deliveryStatus);
    default: {
      const name = where.slice(2);
      if (re.source === '(?:)' && !re.global && !re.sticky) return (msg) => msg.headers.get(name) !== undefined;
      return (msg) => {
        const list = msg.headers.get(name);
        return list !== undefined && re.test(list.length === 1 ? list[0] : list.join('\n'));
      };
    }
  }
}
