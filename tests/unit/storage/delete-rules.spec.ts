/**
 * The decision table for deleting messages, which every store shares.
 */
import { expect } from 'chai';
import { decideBulkDelete, decideDelete, throwIfBulkRefused, throwIfRefused } from '../../../zaqar/storage/delete-rules';
import { ClaimDoesNotExist, ClaimDoesNotMatch, MessageIsClaimed, MessageNotClaimed, MessageNotClaimedBy } from '../../../zaqar/storage/errors';

describe('storage/delete-rules', () => {
  const live = () => true;
  const dead = () => false;
  const cases: [string, string | null, string | undefined, boolean, () => boolean, string][] = [
    ['unclaimed, no claim id', null, undefined, true, live, 'DELETE'],
    ['claimed, no claim id', 'c1', undefined, true, live, 'IS_CLAIMED'],
    ['malformed claim id', 'c1', 'not-an-id', false, live, 'NO_CLAIM'],
    ['claim id, message unclaimed', null, 'c1', true, live, 'NOT_CLAIMED'],
    ['held by the given claim', 'c1', 'c1', true, live, 'DELETE'],
    ['held by another claim, the given one live', 'c1', 'c2', true, live, 'NOT_CLAIMED_BY'],
    ['held by another claim, the given one gone', 'c1', 'c2', true, dead, 'NO_CLAIM'],
  ];
  for (const [title, heldBy, claimId, wellFormed, givenLive, outcome] of cases) {
    it(`${title} → ${outcome}`, () => expect(decideDelete(heldBy, claimId, wellFormed, givenLive)).to.equal(outcome));
  }

  it('asks whether the given claim is live only when another claim holds the message, and waits for an asynchronous answer', async () => {
    let asked = 0;
    const ask = async () => (asked++, true);
    expect(decideDelete('c1', 'c1', true, ask)).to.equal('DELETE');
    expect(asked).to.equal(0);
    expect(await decideDelete('c1', 'c2', true, ask)).to.equal('NOT_CLAIMED_BY');
    expect(asked).to.equal(1);
  });

  it('maps refusals to Zaqar\'s storage errors', () => {
    for (const ok of ['DELETE', 'DELETED', 'GONE']) expect(() => throwIfRefused(ok, 'm', 'c', 'q', 'p')).not.to.throw();
    expect(() => throwIfRefused('IS_CLAIMED', 'm', undefined, 'q', 'p')).to.throw(MessageIsClaimed, 'Message m is claimed');
    expect(() => throwIfRefused('NOT_CLAIMED', 'm', 'c', 'q', 'p')).to.throw(MessageNotClaimed);
    expect(() => throwIfRefused('NOT_CLAIMED_BY', 'm', 'c', 'q', 'p')).to.throw(MessageNotClaimedBy, 'Message m is not claimed by c');
    expect(() => throwIfRefused('NO_CLAIM', 'm', 'c', 'q', null)).to.throw(ClaimDoesNotExist, 'Claim c does not exist in queue q for project None');
    expect(() => throwIfRefused('WHAT', 'm', 'c', 'q', 'p')).to.throw(TypeError);
  });

  it('refuses a bulk delete at the first listed message not held by a listed claim', () => {
    expect(decideBulkDelete([{ id: 'a', heldBy: 'c1' }], ['c1'])).to.deep.equal({ outcome: 'OK' });
    expect(decideBulkDelete([{ id: 'a', heldBy: 'c1' }, { id: 'b', heldBy: null }], ['c1'])).to.deep.equal({ outcome: 'NOT_CLAIMED', subject: 'b' });
    expect(decideBulkDelete([{ id: 'a', heldBy: 'c9' }, { id: 'b', heldBy: null }], ['c1'])).to.deep.equal({ outcome: 'NO_MATCH', subject: 'c9' });
    expect(() => throwIfBulkRefused('NOT_CLAIMED', 'b', 'q', 'p')).to.throw(MessageNotClaimed);
    expect(() => throwIfBulkRefused('NO_MATCH', 'c9', 'q', 'p')).to.throw(ClaimDoesNotMatch);
    expect(() => throwIfBulkRefused('OK', '', 'q', 'p')).not.to.throw();
  });
});
