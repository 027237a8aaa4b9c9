import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  PolicyFileError,
  configSearchDirs,
  loadPolicyFiles,
  parsePolicyDocument,
  readPolicyFile,
  standardConfigDirs,
  type PolicyFileOptions,
} from '../../../zaqar/auth/policy';
import { messages, recordingLogger } from './policy-helpers';

describe('policy file loader', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'zaqar-policy-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function write(relative: string, content: string): string {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  }

  /** Options confined to the temporary directory (no ~/.zaqar or /etc lookups). */
  function options(overrides: Partial<PolicyFileOptions> = {}): PolicyFileOptions {
    return { policyFile: 'policy.yaml', policyDirs: [], configDirs: [root], standardDirs: [], ...overrides };
  }

  describe('policy_file', () => {
    it('reads a YAML file next to the config files', () => {
      write('policy.yaml', '# overrides\n"queues:create": "role:creator"\nhealth:get: "@"\n');
      const loaded = loadPolicyFiles(options());
      expect({ ...loaded.rules }).to.deep.equal({ 'queues:create': 'role:creator', 'health:get': '@' });
      expect(loaded.files).to.deep.equal([path.join(root, 'policy.yaml')]);
    });

    it('reads a JSON file and logs that JSON policy files are deprecated', () => {
      write('custom.json', '{"pools:get": "", "flavors:create": "role:admin or role:ops"}');
      const logger = recordingLogger();
      const loaded = loadPolicyFiles(options({ policyFile: 'custom.json', logger }));
      expect({ ...loaded.rules }).to.deep.equal({ 'pools:get': '', 'flavors:create': 'role:admin or role:ops' });
      expect(messages(logger.warn)[0]).to.match(/^JSON formatted policy_file support is deprecated/);
    });

    it('searches the config directories in order, then the standard directories', () => {
      const first = path.join(root, 'first');
      const second = path.join(root, 'second');
      const standard = path.join(root, 'etc');
      write('second/policy.yaml', 'a: role:second\n');
      write('etc/policy.yaml', 'a: role:etc\n');
      expect(loadPolicyFiles(options({ configDirs: [first, second], standardDirs: [standard] })).rules.a).to.equal('role:second');
      expect(loadPolicyFiles(options({ configDirs: [first], standardDirs: [standard] })).rules.a).to.equal('role:etc');
    });

    it('accepts an absolute path', () => {
      const file = write('elsewhere/my-policy.yaml', 'a: "!"\n');
      expect(loadPolicyFiles(options({ policyFile: file, configDirs: [] })).rules.a).to.equal('!');
    });

    it('means "defaults only" when the file does not exist', () => {
      const logger = recordingLogger();
      const loaded = loadPolicyFiles(options({ policyFile: `missing-${process.pid}.yaml`, logger }));
      expect(loaded.files).to.deep.equal([]);
      expect(Object.keys(loaded.rules)).to.deep.equal([]);
      expect(logger.error.called).to.equal(false);
    });

    it('falls back to the legacy policy.json when policy_file keeps its default', () => {
      write('policy.json', '{"a": "role:legacy"}');
      expect(loadPolicyFiles(options()).rules.a).to.equal('role:legacy');
      expect(loadPolicyFiles(options({ policyFileExplicit: true })).files).to.deep.equal([]);
    });

    it('prefers policy.yaml over policy.json', () => {
      write('policy.json', '{"a": "role:legacy"}');
      write('policy.yaml', 'a: role:yaml\n');
      expect(loadPolicyFiles(options()).rules.a).to.equal('role:yaml');
    });
  });

  describe('policy_dirs', () => {
    it('layers the sorted files of each directory over the policy file', () => {
      write('policy.yaml', 'a: role:file\nb: role:file\nc: role:file\n');
      write('policy.d/20-second.yaml', 'b: role:second\n');
      write('policy.d/10-first.json', '{"a": "role:first", "b": "role:first"}');
      write('policy.d/.hidden.yaml', 'c: role:hidden\n');
      write('policy.d/sub/nested.yaml', 'c: role:nested\n');
      write('more.d/x.yaml', 'b: role:more\n');
      const loaded = loadPolicyFiles(options({ policyDirs: ['policy.d', 'more.d'] }));
      expect({ ...loaded.rules }).to.deep.equal({ a: 'role:first', b: 'role:more', c: 'role:file' });
      expect(loaded.files.map((file) => path.relative(root, file))).to.deep.equal([
        'policy.yaml',
        path.join('policy.d', '10-first.json'),
        path.join('policy.d', '20-second.yaml'),
        path.join('more.d', 'x.yaml'),
      ]);
    });

    it('reads directories even without a policy file, and ignores missing ones', () => {
      write('policy.d/a.yaml', 'a: "@"\n');
      const loaded = loadPolicyFiles(options({ policyFile: 'none.yaml', policyDirs: ['policy.d', '/nonexistent/policy.d', 'absent.d'] }));
      expect({ ...loaded.rules }).to.deep.equal({ a: '@' });
    });

    it('ignores an empty directory', () => {
      fs.mkdirSync(path.join(root, 'policy.d'));
      expect(loadPolicyFiles(options({ policyDirs: ['policy.d'] })).files).to.deep.equal([]);
    });

    it('rejects a policy_dirs entry that is a file', () => {
      write('policy.d', 'not a directory');
      expect(() => loadPolicyFiles(options({ policyDirs: ['policy.d'] }))).to.throw(PolicyFileError, /is not a directory/);
    });
  });

  describe('file contents', () => {
    it('treats empty and comment-only files as no rules', () => {
      expect(parsePolicyDocument('', 'f')).to.deep.equal({});
      expect(parsePolicyDocument('#"queues:get": ""\n\n# nothing else\n', 'f')).to.deep.equal({});
      expect(parsePolicyDocument('{}', 'f')).to.deep.equal({});
      expect(parsePolicyDocument('null', 'f')).to.deep.equal({});
    });

    it('keeps the last of duplicate YAML keys, like PyYAML', () => {
      expect(parsePolicyDocument('a: role:first\na: role:second\n', 'f').a).to.equal('role:second');
    });

    it('accepts empty values (allow) and the legacy list syntax', () => {
      const rules = parsePolicyDocument('a:\nb: ""\nc: [["role:x", "role:y"], ["role:z"]]\n', 'f');
      expect({ ...rules }).to.deep.equal({ a: null, b: '', c: [['role:x', 'role:y'], ['role:z']] });
    });

    it('does not let a "__proto__" rule name touch the prototype', () => {
      const rules = parsePolicyDocument('{"__proto__": "role:x"}', 'f');
      expect(Object.keys(rules)).to.deep.equal(['__proto__']);
      expect(rules.__proto__).to.equal('role:x');
    });

    it('rejects malformed YAML with an error naming the file', () => {
      const file = write('policy.yaml', 'a: "unterminated\nb: [\n');
      expect(() => loadPolicyFiles(options())).to.throw(PolicyFileError, `Invalid policy file ${file}`);
      try {
        readPolicyFile(file);
        expect.fail('should have thrown');
      } catch (error) {
        expect(error).to.be.instanceOf(PolicyFileError);
        expect((error as PolicyFileError).file).to.equal(file);
      }
    });

    it('rejects documents that are not a map of rules', () => {
      expect(() => parsePolicyDocument('- role:a\n- role:b\n', 'list.yaml')).to.throw(PolicyFileError, /list\.yaml: expected a mapping/);
      expect(() => parsePolicyDocument('just text', 'text.yaml')).to.throw(PolicyFileError, /expected a mapping/);
      expect(() => parsePolicyDocument('42', 'n.json')).to.throw(PolicyFileError, /expected a mapping/);
    });

    it('rejects rules that are neither strings nor lists', () => {
      expect(() => parsePolicyDocument('a: 5\n', 'p.yaml')).to.throw(PolicyFileError, /rule "a" must be a string/);
      expect(() => parsePolicyDocument('a: true\n', 'p.yaml')).to.throw(PolicyFileError, /rule "a"/);
      expect(() => parsePolicyDocument('a: {x: y}\n', 'p.yaml')).to.throw(PolicyFileError, /rule "a"/);
      expect(() => parsePolicyDocument('a: [5]\n', 'p.yaml')).to.throw(PolicyFileError, /rule "a"/);
    });

    it('reports an unreadable file', () => {
      const dir = path.join(root, 'policy.yaml');
      fs.mkdirSync(dir);
      expect(() => loadPolicyFiles(options())).to.throw(PolicyFileError, dir);
    });
  });

  describe('search path helpers', () => {
    it('orders config directories like oslo.config: --config-dir, then config files last first', () => {
      expect(configSearchDirs(['/etc/zaqar/zaqar.conf', '/srv/override/extra.conf'], ['/etc/zaqar/conf.d'])).to.deep.equal([
        '/etc/zaqar/conf.d',
        '/srv/override',
        '/etc/zaqar',
      ]);
    });

    it("lists oslo.config's standard directories", () => {
      const home = os.homedir();
      expect(standardConfigDirs('zaqar').slice(0, 4)).to.deep.equal([path.join(home, '.zaqar'), home, '/etc/zaqar', '/etc']);
    });

    const packagedPolicyDir = '/etc/zaqar/policy.d';
    (fs.existsSync(packagedPolicyDir) ? it : it.skip)("reads Debian's packaged /etc/zaqar/policy.d (commented-out defaults) as no rules", () => {
      const loaded = loadPolicyFiles({ policyFile: 'policy.yaml', policyDirs: [packagedPolicyDir], configDirs: ['/etc/zaqar'] });
      expect(Object.keys(loaded.rules)).to.deep.equal([]);
    });
  });
});
