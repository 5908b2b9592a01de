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
  return {
    name: spec.name,
    matches: (msg) =>
      spec.match.some(([where, re]) => {
        const value = valueAt(msg, where);
        return value !== undefined && re.test(value);
      }),
    parse: (msg) => parseReport(msg, spec.name, spec),
  };
}

function valueAt(msg: BounceMessage, where: Where): string | undefined {
  switch (where) {
    case 'from':
      return msg.from;
    case 'subject':
      return msg.subject;
    case 'text':
      return msg.text;
    case 'ds':
      return msg.deliveryStatus;
    default: {
      const list = msg.headers.get(where.slice(2));
      return list ? list.join('\n') : undefined;
    }
  }
}
