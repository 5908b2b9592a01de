// Orange (orange.fr, wanadoo.fr) and La Poste (laposte.net) end their refusals with a code of their own:
// "OFR_506", "OFR005_505", "LPN105_104", "OUK_513"; the last three digits name the cause. The rows match only
// that code format, so the table is safe to try for every receiver (these hosts have no provider of their own).
import type { Reason } from '../vocabulary.ts';
import type { Rule, RuleTable } from './rule.ts';

/** Orange / La Poste cause number → reason. Numbers whose text is only "please try later" are left out. */
const CAUSES: ReadonlyArray<[string, Reason]> = [
  ['102', 'blocked'], // source IP blocked for spam issues
  ['103', 'blocked'], // service refused
  ['104', 'toomanyconn'], // too many connections, slow down
  ['305', 'securityerror'], // invalid authentication code
  ['401', 'authfailure'], // "SPF: <ip> is not allowed to send mail"
  ['402', 'securityerror'], // authentication required
  ['403', 'rejected'], // invalid sender
  ['405', 'rejected'], // invalid sender
  ['415', 'rejected'], // invalid sender
  ['416', 'userunknown'], // at least one invalid recipient
  ['417', 'mailboxfull'], // recipient over quota
  ['418', 'userunknown'], // at least one invalid recipient
  ['420', 'suspend'], // recipient mailbox archived
  ['421', 'rejected'], // MAIL FROM not owned by the user
  ['426', 'suspend'], // recipient account blocked
  ['505', 'systemerror'], // "421 4.2.0 Service refusé ... OFR005_505"
  ['506', 'spamdetected'], // "Mail rejeté. Mail rejected. OFR_506": the content was judged spam
  ['510', 'blocked'], // service refused (IP)
  ['514', 'emailtoolarge'], // message size limit reached
  ['999', 'blocked'], // service refused
];

const rules: Rule[] = CAUSES.map(([cause, reason]) => ({
  reason,
  match: new RegExp(String.raw`\b(?:OFR|LPN|OUK)(?:_|\d{3}[-_])${cause}\b`, 'i'),
}));

export const orangeLaPoste: RuleTable = { name: 'orange-laposte', rules, listedIp: [] };
