// Microsoft block-list, reputation and rate texts through the real parse path (fixtures: test/fixtures/rhost).
import test from 'ava';
import { runRhostTable, type Expect } from '../../fixtures/rhost/expect.ts';

const rows: Expect[] = [
  { file: 'microsoft-s3150-ipv4', msCode: 'S3150', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.7', status: '5.7.1', action: 'failed' },
  { file: 'microsoft-s3150-ipv6', msCode: 'S3150', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '2001:db8::1:0:0:25' },
  { file: 'microsoft-as3150-2018', msCode: 'S3150', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '203.0.113.45' },
  { file: 'microsoft-s3150-pfa', msCode: 'S3150', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.23' },
  { file: 'microsoft-s3140', msCode: 'S3140', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '203.0.113.46' },
  { file: 'microsoft-4.7.650', msCode: 'S775', category: 'ip_reputation', reason: 'badreputation', provider: 'microsoft', listedIp: '198.51.100.8', action: 'delayed' },
  { file: 'microsoft-4.7.651', msCode: 'S3114', category: 'ip_reputation', reason: 'badreputation', provider: 'microsoft', listedIp: '198.51.100.9' },
  { file: 'microsoft-4.7.652', msCode: 'S3115', category: 'rate_limit', reason: 'toomanyconn', provider: 'microsoft', listedIp: '203.0.113.47' },
  { file: 'microsoft-4.7.500', msCode: 'S77714', category: 'rate_limit', reason: 'ratelimited', provider: 'microsoft', listedIp: '198.51.100.10' },
  { file: 'microsoft-sc-001', msCode: 'SC-001', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.11' },
  { file: 'microsoft-ou-001', msCode: 'OU-001', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.12' },
  { file: 'microsoft-rp-001', msCode: 'RP-001', category: 'rate_limit', reason: 'ratelimited', provider: 'microsoft', listedIp: '198.51.100.13' },
  { file: 'microsoft-5.7.606', msCode: '5.7.606', msRule: 'AS1430', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '203.0.113.48' },
  { file: 'microsoft-5.7.511', msCode: '5.7.511', msRule: 'AS508', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.14' },
  { file: 'microsoft-blocklist-1', msCode: 'Blocklist1', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '203.0.113.49' },
  { file: 'microsoft-spamhaus-as3130', msCode: 'AS3130', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '198.51.100.15' },
  { file: 'microsoft-5.7.513', msCode: '5.7.513', msRule: 'AS16012607', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '203.0.113.50' },
  { file: 'microsoft-5.7.508', msCode: '5.7.508', category: 'rate_limit', reason: 'ratelimited', provider: 'microsoft', listedIp: '2001:db8:4:7::1a' },
  { file: 'microsoft-5.5.0-s2017062302', msCode: 'S2017062302', category: 'recipient_unknown', reason: 'userunknown', provider: 'microsoft', listedIp: null, sendingIp: '' },
  // Microsoft 365 as the reporting side: recipients elsewhere, Microsoft refused (its own pool, or EOP)
  { file: 'microsoft365-ndr-5.7.708', msCode: '5.7.708', msRule: 'AS7230', category: 'ip_reputation', reason: 'badreputation', provider: 'microsoft', listedIp: null, sendingIp: '', status: '5.7.708' },
  { file: 'microsoft365-ndr-html-5.7.606', msCode: '5.7.606', msRule: 'AS1430', category: 'ip_blocklist', reason: 'blocked', provider: 'microsoft', listedIp: '40.92.18.33', status: '5.7.606' },
];

runRhostTable(test, rows);
