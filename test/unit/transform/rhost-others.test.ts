// Gmail, Yahoo, United Internet, T-Online, Apple, Mimecast and block-list gateways through the real parse path.
import test from 'ava';
import { runRhostTable, type Expect } from '../../fixtures/rhost/expect.ts';

const rows: Expect[] = [
  { file: 'google-4.7.28', msCode: '', category: 'ip_reputation', reason: 'badreputation', provider: 'google', listedIp: '198.51.100.16' },
  { file: 'google-5.7.26', msCode: '', category: 'auth_failure', reason: 'authfailure', provider: 'google', listedIp: null, sendingIp: '' },
  { file: 'google-low-ip-reputation', msCode: '', category: 'ip_reputation', reason: 'badreputation', provider: 'google', listedIp: '203.0.113.51' },
  { file: 'yahoo-tss04', msCode: '', category: 'ip_reputation', reason: 'badreputation', provider: 'yahoo', listedIp: '198.51.100.18' },
  { file: 'yahoo-tss09', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'yahoo', listedIp: '203.0.113.52' },
  { file: 'gmx-blocklisted', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'gmx', listedIp: '198.51.100.19' },
  { file: 'webde-blocklisted-exim', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'webde', listedIp: '203.0.113.53' },
  { file: 'ionos-rdns', msCode: '', category: 'policy', reason: 'requireptr', provider: 'ionos', listedIp: '198.51.100.20' },
  { file: 'tonline-bl', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'tonline', listedIp: '203.0.113.54' },
  { file: 'tonline-nowl', msCode: '', category: 'ip_reputation', reason: 'badreputation', provider: 'tonline', listedIp: '198.51.100.21' },
  { file: 'apple-proofpoint', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'apple', listedIp: '203.0.113.55' },
  { file: 'apple-hme1', msCode: '', category: 'auth_failure', reason: 'authfailure', provider: 'apple', listedIp: null, sendingIp: '' },
  { file: 'mimecast-tls-required', msCode: '', category: 'network', reason: 'failedstarttls', provider: 'mimecast', listedIp: null, sendingIp: '' },
  { file: 'spamcop-generic', msCode: '', category: 'ip_blocklist', reason: 'blocked', provider: 'other', listedIp: '198.51.100.24' },
];

runRhostTable(test, rows);
