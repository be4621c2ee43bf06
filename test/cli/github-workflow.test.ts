/**
 * The documented GitHub Actions workflow (docs/ci/github-actions.yml), its steps run as the runner runs
 * them (bash -eo pipefail, its env) on a kernel-like git repository with a pull request of one commit:
 * the annotation lands on the changed file's line and fails the job, the SARIF file locates the finding in
 * the repository. The install step is the one thing not run: `mm-review` is this build, on PATH.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

interface Step {
  name: string;
  run: string | null;
  env: Record<string, string>;
}

/** The steps of the workflow's one job: each step's name, its `run:` line and its `env:` entries. */
function steps(yaml: string): Step[] {
  const out: Step[] = [];
  let inEnv = false;
  for (const line of yaml.split('\n')) {
    const start = /^ {6}- (?:name: (.*)|uses: (.*))$/.exec(line);
    if (start) {
      out.push({ name: start[1] ?? start[2], run: null, env: {} });
      inEnv = false;
      continue;
    }
    const step = out[out.length - 1];
    if (!step) continue;
    const run = /^ {8}run: (.*)$/.exec(line);
    if (run) step.run = run[1];
    if (/^ {8}env:$/.test(line)) inEnv = true;
    else if (/^ {8}\S/.test(line)) inEnv = false;
    const env = /^ {10}([A-Z_]+): (.*)$/.exec(line);
    if (inEnv && env) step.env[env[1]] = env[2];
  }
  return out;
}

const git = (cwd: string, ...args: string[]): string => {
  const r = spawnSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.org', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};

function write(root: string, file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
}

const hasGit = spawnSync('git', ['--version']).status === 0;

test(
  'the documented workflow annotates the pull request`s stale call on its line and uploads SARIF that locates it',
  { skip: !hasGit && 'git is not installed' },
  () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-workflow-'));
    const repo = path.join(tmp, 'linux');
    fs.mkdirSync(repo);
    git(repo, 'init', '-q');
    const caller = (extra: string): string =>
      `#include <linux/foo.h>\n\nint foo_probe(struct device *dev)\n{\n\tint ret;\n${extra}\n\tret = foo_init(dev->id);\n\treturn ret;\n}\n`;
    write(repo, 'include/linux/foo.h', 'int foo_init(int id);\n');
    write(repo, 'drivers/foo/foo.c', 'int foo_init(int id)\n{\n\treturn id;\n}\n');
    write(repo, 'drivers/foo/probe.c', caller(''));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'foo: the driver');
    const base = git(repo, 'rev-parse', 'HEAD');
    // The pull request: foo_init() takes flags now; the probe's call is touched but keeps one argument.
    write(repo, 'include/linux/foo.h', 'int foo_init(int id, unsigned int flags);\n');
    write(repo, 'drivers/foo/foo.c', 'int foo_init(int id, unsigned int flags)\n{\n\treturn flags ? -EINVAL : id;\n}\n');
    write(repo, 'drivers/foo/probe.c', caller('\tdev_dbg(dev, "probing\\n");'));
    git(repo, 'commit', '-qam', 'foo: pass flags to foo_init()');
    const head = git(repo, 'rev-parse', 'HEAD');
    const staleLine = caller('\tdev_dbg(dev, "probing\\n");').split('\n').indexOf('\tret = foo_init(dev->id);') + 1;

    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'mm-review'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'dist', 'cli.js')}" "$@"\n`, { mode: 0o755 });
    const runnerTemp = path.join(tmp, 'runner');
    fs.mkdirSync(runnerTemp);
    const expressions: Record<string, string> = {
      '${{ github.event.pull_request.base.sha }}': base,
      '${{ github.event.pull_request.head.sha }}': head,
    };
    const workflow = steps(fs.readFileSync(path.join(repoRoot, 'docs', 'ci', 'github-actions.yml'), 'utf8'));
    assert.deepEqual(
      workflow.map((s) => s.name),
      [
        'actions/checkout@v4',
        'actions/setup-node@v4',
        'Install mm-review',
        'The pull request as patches',
        'Review (SARIF for code scanning)',
        'Review (annotations; fails on an error)',
        'Upload to code scanning',
      ],
    );
    const results: { name: string; code: number | null; out: string; err: string }[] = [];
    for (const step of workflow) {
      if (!step.run || step.name === 'Install mm-review') continue;
      const env = Object.fromEntries(Object.entries(step.env).map(([k, v]) => [k, expressions[v] ?? assert.fail(`no value for ${v}`)]));
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, ...env, RUNNER_TEMP: runnerTemp, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
      });
      results.push({ name: step.name, code: r.status, out: r.stdout, err: r.stderr });
    }
    assert.deepEqual(
      results.map((r) => [r.name, r.code]),
      [
        ['The pull request as patches', 0],
        ['Review (SARIF for code scanning)', 0],
        // An error fails the job (the SARIF step above ran first, and the upload runs always).
        ['Review (annotations; fails on an error)', 1],
      ],
    );
    const annotations = results[2].out.split('\n').filter((l) => l.startsWith('::'));
    assert.deepEqual(
      annotations.map((l) => l.split('::')[1]),
      [`error file=drivers/foo/probe.c,line=${staleLine},endLine=${staleLine},title=mm-review prototype-mismatch`],
    );
    const sarif = JSON.parse(fs.readFileSync(path.join(runnerTemp, 'mm-review.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[];
    };
    assert.deepEqual(
      sarif.runs[0].results.map((r) => [r.ruleId, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine]),
      [['prototype-mismatch', 'drivers/foo/probe.c', staleLine]],
    );
    // The path is the repository's own file: code scanning can show it on the pull request's diff.
    assert.ok(fs.existsSync(path.join(repo, 'drivers/foo/probe.c')));
  },
);
