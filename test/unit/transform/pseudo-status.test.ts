// Pseudo status codes for events whose bounce carries no enhanced status (transform/pseudo-status.ts).
import test from 'ava';
import { isPseudoStatus, isTemporaryFailure, pseudoStatus } from '../../../transform/pseudo-status.ts';
import { REASONS } from '../../../transform/vocabulary.ts';

test('permanent pseudo codes follow Sisimai: userunknown 5.0.911, filtered 5.0.910, blocked 5.0.971', (t) => {
  t.is(pseudoStatus('userunknown', false), '5.0.911');
  t.is(pseudoStatus('filtered', false), '5.0.910');
  t.is(pseudoStatus('blocked', false), '5.0.971');
  t.is(pseudoStatus('expired', false), '5.0.947');
  t.is(pseudoStatus('undefined', false), '5.0.900');
});

test('temporary failures get 4.0.9xx where Sisimai has a temporary code, 5.0.9xx where the reason cannot be temporary', (t) => {
  t.is(pseudoStatus('expired', true), '4.0.947');
  t.is(pseudoStatus('filtered', true), '4.0.924');
  t.is(pseudoStatus('mailboxfull', true), '4.0.922');
  t.is(pseudoStatus('userunknown', true), '5.0.911');
  t.is(pseudoStatus('hostunknown', true), '5.0.912');
});

test('our refinements without a Sisimai number take the number of the reason they refine', (t) => {
  t.is(pseudoStatus('requireptr', false), pseudoStatus('blocked', false));
  t.is(pseudoStatus('ratelimited', true), pseudoStatus('speeding', true));
  t.is(pseudoStatus('emailtoolarge', false), '5.0.934');
});

test('every reason has a pseudo code, and every pseudo code is recognised as one', (t) => {
  for (const reason of REASONS) {
    for (const temporary of [false, true]) {
      const code = pseudoStatus(reason, temporary);
      t.regex(code, /^[45]\.0\.9\d\d$/, reason);
      t.true(isPseudoStatus(code), code);
    }
  }
});

test('codes a receiver writes are not pseudo codes', (t) => {
  for (const code of ['5.0.0', '4.0.0', '5.7.1', '5.7.606', '4.7.650', '5.1.1', ''])
    t.false(isPseudoStatus(code), code);
});

test('temporary or permanent: the reply code first, then the report words, then whether the message is still queued', (t) => {
  t.true(isTemporaryFailure(421, 'failed', 'permanent error'));
  t.false(isTemporaryFailure(550, 'delayed', 'temporary failure'));
  t.true(isTemporaryFailure(0, 'failed', 'Technical details of temporary failure: ...'));
  t.true(isTemporaryFailure(0, 'failed', 'persistent transient failure'));
  t.false(isTemporaryFailure(0, 'delayed', 'This is a permanent error'));
  t.true(isTemporaryFailure(0, 'delayed', 'will be retried'));
  t.false(isTemporaryFailure(0, 'failed', 'retry timeout exceeded'));
});
