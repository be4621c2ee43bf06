/**
 * @file Running git (and grep) on a tree we did not write without running anything the tree names. A
 * repository's configuration can name programs git runs on its own (`core.fsmonitor` on any command that
 * reads the index, a pager, hooks, textconv and external diff drivers, credential helpers), and can pull in
 * more configuration (`include.path`). So git runs with no system or global configuration, no inherited
 * environment, each such setting overridden on the command line (which outranks every file, included ones
 * too), the work tree and git directory given explicitly, and a time limit.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import * as path from 'node:path';

/**
 * Settings that name a program, each set to a value that runs none. Command-line `-c` wins over the
 * repository's files and anything they include; an empty value resets a multi-valued list.
 */
export const GIT_OVERRIDES: readonly string[] = [
  'core.fsmonitor=false',
  'core.useBuiltinFSMonitor=false',
  'core.untrackedCache=false',
  'core.hooksPath=/dev/null',
  'core.pager=cat',
  'pager.grep=false',
  'pager.cat-file=false',
  'core.attributesFile=/dev/null',
  'core.askPass=',
  'core.sshCommand=',
  'core.editor=true',
  'credential.helper=',
  'diff.external=',
  'gpg.program=false',
  'grep.fallbackToNoIndex=false',
  'protocol.allow=never',
  'safe.bareRepository=explicit',
];

/**
 * An environment built from nothing: PATH to find the program, a C locale, no home (so no user files),
 * git told to read no system or global configuration and to take no optional locks. Nothing inherited
 * (GIT_DIR, GIT_EXTERNAL_DIFF, GIT_PAGER, GREP_OPTIONS, …) reaches the child.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LC_ALL: 'C',
    HOME: '/nonexistent',
    XDG_CONFIG_HOME: '/nonexistent',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ATTR_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    GIT_NO_REPLACE_OBJECTS: '1',
    // A partial clone would fetch a missing object from its remote (git 2.45+ honours this; protocol.allow=never stops older ones).
    GIT_NO_LAZY_FETCH: '1',
    GIT_PAGER: 'cat',
    PAGER: 'cat',
    ...extra,
  };
}

/** The command line for `git ARGS` on the work tree `root` whose git directory is `gitDir`. */
export function gitCommand(root: string, gitDir: string, args: readonly string[]): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  return {
    file: 'git',
    args: ['--no-pager', ...GIT_OVERRIDES.flatMap((o) => ['-c', o]), ...args],
    env: cleanEnv({ GIT_DIR: gitDir, GIT_WORK_TREE: root, GIT_CEILING_DIRECTORIES: path.dirname(root) }),
  };
}

export interface RunLimits {
  /** Killed after this long (a FIFO an included config names, a huge tree on a slow disk). */
  timeoutMs: number;
  maxBuffer: number;
}

export const DEFAULT_LIMITS: RunLimits = { timeoutMs: 120_000, maxBuffer: 256 << 20 };

/** Runs a command to completion in `cwd` with the clean environment (or the one given) and the limits. */
export function runSync(
  file: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
  limits: RunLimits = DEFAULT_LIMITS,
): SpawnSyncReturns<string> {
  return spawnSync(file, args, {
    cwd,
    env,
    encoding: 'utf8',
    maxBuffer: limits.maxBuffer,
    timeout: limits.timeoutMs,
    killSignal: 'SIGKILL',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The same in the background; the child is killed past the time limit. */
export function runAsync(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv(), limits: RunLimits = DEFAULT_LIMITS): ChildProcess {
  const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'pipe', 'ignore'] });
  const timer = setTimeout(() => child.kill('SIGKILL'), limits.timeoutMs);
  timer.unref();
  child.on('close', () => clearTimeout(timer));
  return child;
}
