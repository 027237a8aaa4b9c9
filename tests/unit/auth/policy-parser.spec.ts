import { expect } from 'chai';
import {
  AndCheck,
  FalseCheck,
  GenericCheck,
  HttpCheck,
  NotCheck,
  OrCheck,
  PolicyEvaluationError,
  RoleCheck,
  RuleCheck,
  TrueCheck,
  UnusableRuleCheck,
  parseRule,
  parseSingleCheck,
  type Check,
  type RuleResolver,
} from '../../../zaqar/auth/policy';
import { tokenize } from '../../../zaqar/auth/policy/tokenizer';
import { OSLO_VERIFIED_CASES } from './policy-oslo-cases';
import { contextCreds, messages, recordingLogger } from './policy-helpers';

const noRules: RuleResolver = { resolveRule: () => undefined };

function evaluate(rule: string, roles: string[]): boolean {
  return parseRule(rule).evaluate({}, contextCreds(roles), noRules, 0);
}

describe('policy parser', () => {
  describe('matches oslo.policy 4.0.0 on verified expressions', () => {
    for (const example of OSLO_VERIFIED_CASES) {
      const label = `${JSON.stringify(example.rule)} with ${JSON.stringify(example.creds)}${example.target ? ` / target ${JSON.stringify(example.target)}` : ''}`;
      it(`${label} → ${example.tree} = ${example.result}`, () => {
        const check = parseRule(example.rule);
        expect(check.toString()).to.equal(example.tree);
        expect(check instanceof UnusableRuleCheck).to.equal(example.unusable === true);

        const rules = new Map(Object.entries(example.rules ?? {}).map(([name, text]) => [name, parseRule(text)]));
        const fallback = example.defaultRule ? rules.get(example.defaultRule) : undefined;
        const resolver: RuleResolver = { resolveRule: (name) => rules.get(name) ?? fallback };
        const run = (): boolean => check.evaluate(example.target ?? {}, example.creds as never, resolver, 0);
        if (example.result === 'error') expect(run).to.throw(PolicyEvaluationError);
        else expect(run()).to.equal(example.result);
      });
    }
  });

  describe('precedence', () => {
    it('binds and tighter than or: a or b and c = a or (b and c)', () => {
      const check = parseRule('role:a or role:b and role:c');
      expect(check).to.be.instanceOf(OrCheck);
      expect(check.toString()).to.equal('(role:a or (role:b and role:c))');
      expect(evaluate('role:a or role:b and role:c', ['b'])).to.equal(false);
      expect(evaluate('role:a or role:b and role:c', ['b', 'c'])).to.equal(true);
    });

    it('a and b or c = (a and b) or c', () => {
      expect(parseRule('role:a and role:b or role:c').toString()).to.equal('((role:a and role:b) or role:c)');
      expect(evaluate('role:a and role:b or role:c', ['c'])).to.equal(true);
    });

    it('binds not tightest', () => {
      expect(parseRule('not role:a and role:b').toString()).to.equal('(not role:a and role:b)');
      expect(parseRule('not role:a or role:b and role:c').toString()).to.equal('(not role:a or (role:b and role:c))');
      expect(evaluate('not role:a and role:b', ['b'])).to.equal(true);
      expect(evaluate('not role:a and role:b', ['a', 'b'])).to.equal(false);
    });

    it('chains operators left to right into one and/or', () => {
      const check = parseRule('role:a and role:b and role:c or role:d or role:e');
      expect(check.toString()).to.equal('((role:a and role:b and role:c) or role:d or role:e)');
    });

    it('folds a parenthesised and-group into a following and, as oslo does', () => {
      expect(parseRule('role:x or (role:a and role:b) and role:c').toString()).to.equal('(role:x or (role:a and role:b and role:c))');
      expect(parseRule('(role:a and role:b) and role:c').toString()).to.equal('((role:a and role:b) and role:c)');
    });

    it('lets parentheses override precedence', () => {
      expect(parseRule('(role:a or role:b) and role:c').toString()).to.equal('((role:a or role:b) and role:c)');
      expect(evaluate('(role:a or role:b) and role:c', ['a'])).to.equal(false);
      expect(evaluate('(role:a or role:b) and role:c', ['a', 'c'])).to.equal(true);
      expect(parseRule('not (role:a and role:b)')).to.be.instanceOf(NotCheck);
    });

    it('accepts parentheses glued to checks and operators in any case', () => {
      expect(parseRule('((role:a) OR (role:b))').toString()).to.equal('(role:a or role:b)');
      expect(parseRule('role:a And NOT role:b').toString()).to.equal('(role:a and not role:b)');
    });

    it('keeps parentheses inside a check (substitutions)', () => {
      const check = parseRule('(project_id:%(project_id)s)');
      expect(check).to.be.instanceOf(GenericCheck);
      expect(check.toString()).to.equal('project_id:%(project_id)s');
    });
  });

  describe('special rules', () => {
    it('treats "" and "@" as always allowed', () => {
      expect(parseRule('')).to.be.instanceOf(TrueCheck);
      expect(parseRule('@')).to.be.instanceOf(TrueCheck);
      expect(parseRule(null)).to.be.instanceOf(TrueCheck);
    });

    it('treats "!" as always denied', () => {
      expect(parseRule('!')).to.be.instanceOf(FalseCheck);
    });

    it('denies a whitespace-only rule (it has no tokens; only the empty string allows)', () => {
      expect(parseRule('   ')).to.be.instanceOf(FalseCheck);
    });
  });

  describe('malformed rules fail closed', () => {
    for (const rule of ['role:a and', 'and role:a', 'role:a role:b', '(role:a', 'role:a)', '()', 'not role:a or', 'not', 'admin']) {
      it(`${JSON.stringify(rule)} denies`, () => {
        expect(evaluateSafely(parseRule(rule), ['a', 'admin'])).to.equal(false);
      });
    }

    it('logs the rule it could not understand, like oslo', () => {
      const logger = recordingLogger();
      expect(parseRule('role:a and', logger)).to.be.instanceOf(FalseCheck);
      expect(messages(logger.error)).to.deep.equal(['Failed to understand rule role:a and']);
    });

    it('makes a single check without ":" a FalseCheck', () => {
      const logger = recordingLogger();
      expect(parseSingleCheck('admin', logger)).to.be.instanceOf(FalseCheck);
      expect(logger.error.calledOnce).to.equal(true);
    });

    it('keeps a bare quoted string or lone operator unusable: evaluating it fails', () => {
      for (const rule of ['"role:a"', "'x'", 'and', '(']) {
        const check = parseRule(rule);
        expect(check, rule).to.be.instanceOf(UnusableRuleCheck);
        expect(() => check.evaluate({}, contextCreds(['a']), noRules, 0), rule).to.throw(PolicyEvaluationError);
      }
    });
  });

  describe('single checks', () => {
    it('dispatches on the kind before the first ":"', () => {
      expect(parseSingleCheck('rule:a:b')).to.be.instanceOf(RuleCheck);
      expect((parseSingleCheck('rule:a:b') as RuleCheck).ruleName).to.equal('a:b');
      expect(parseSingleCheck('role:admin')).to.be.instanceOf(RoleCheck);
      expect(parseSingleCheck('Role:admin')).to.be.instanceOf(GenericCheck);
      expect(parseSingleCheck('project_id:%(project_id)s')).to.be.instanceOf(GenericCheck);
    });

    it('parses http:/https: checks and warns that they always deny', () => {
      const logger = recordingLogger();
      const check = parseSingleCheck('http://policy.example.com/check', logger);
      expect(check).to.be.instanceOf(HttpCheck);
      expect(check.toString()).to.equal('http://policy.example.com/check');
      expect(parseSingleCheck('https://x', logger)).to.be.instanceOf(HttpCheck);
      expect(logger.warn.callCount).to.equal(2);
    });
  });

  describe('legacy list-of-lists syntax (verified with oslo)', () => {
    const examples: Array<[Parameters<typeof parseRule>[0], string]> = [
      [[['role:a', 'role:b'], ['role:c']], '((role:a and role:b) or role:c)'],
      [[], '@'],
      [[[]], '!'],
      [[[], []], '!'],
      [['role:a'], 'role:a'],
      [[['@'], 'role:c'], '(@ or role:c)'],
      // Items are single checks: no operators inside.
      [['role:a b'], 'role:a b'],
      [[['role:a or role:b']], 'role:a or role:b'],
    ];
    for (const [source, tree] of examples) {
      it(`${JSON.stringify(source)} → ${tree}`, () => {
        expect(parseRule(source).toString()).to.equal(tree);
      });
    }

    it('evaluates like the text form', () => {
      const check = parseRule([['role:a', 'role:b'], ['role:c']]);
      expect(check.evaluate({}, contextCreds(['a']), noRules, 0)).to.equal(false);
      expect(check.evaluate({}, contextCreds(['a', 'b']), noRules, 0)).to.equal(true);
      expect(check.evaluate({}, contextCreds(['C']), noRules, 0)).to.equal(true);
      expect(check).to.be.instanceOf(OrCheck);
      expect((check as OrCheck).rules[0]).to.be.instanceOf(AndCheck);
    });

    it('fails a non-string item closed', () => {
      expect(parseRule([[5 as unknown as string]]).toString()).to.equal('!');
    });
  });

  describe('tokenizer', () => {
    it('splits on Python whitespace, which includes U+001C..U+001F and U+0085 but not U+FEFF', () => {
      expect(tokenize('role:a\x1cor\x85role:b\u00a0').map((token) => token.type)).to.deep.equal(['check', 'or', 'check']);
      expect(tokenize('role:a\ufeffor role:b').map((token) => token.text)).to.deep.equal(['role:a\ufeffor', 'role:b']);
    });

    it('peels parentheses off both ends and recognises quoted strings', () => {
      expect(tokenize('((role:a)) "q"').map((token) => `${token.type}:${token.text}`)).to.deep.equal([
        '(:(', '(:(', 'check:role:a', '):)', '):)', 'string:q',
      ]);
      // The quote test sees the trailing parenthesis, so this is a check, not a string.
      expect(tokenize("('x')").map((token) => token.type)).to.deep.equal(['(', 'check', ')']);
    });
  });
});

function evaluateSafely(check: Check, roles: string[]): boolean {
  try {
    return check.evaluate({}, contextCreds(roles), noRules, 0);
  } catch (error) {
    if (error instanceof PolicyEvaluationError) return false;
    throw error;
  }
}
