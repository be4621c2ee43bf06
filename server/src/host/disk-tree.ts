/**
 * @file A kernel checkout on disk, as the core's KernelTree. The text search is `git grep` when the tree
 * is a git checkout, GNU `grep -r` otherwise (neither follows symlinks out of the tree, neither runs
 * anything the tree's configuration names: see git.ts); results are cached per tree revision (the HEAD
 * commit, or the tree's top-level modification times), in memory and, given a cache directory, on disk
 * between runs (search-cache.ts). Every file read is confined to the tree, must be a
 * regular file and is size-bounded. Searches run synchronously (`mm-review check`) or in the background
 * (the editor), where `filesNaming` answers null until the search is done and `onReady` is called. What
 * could not be used (a HEAD that leads out of the tree, a search that failed) is kept as a problem, which
 * the tree-base rule reports.
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSize } from '../core/models/bytes';
import type { KernelTree, MinedPairs, PreImage, PreImageRequest } from '../core/kernel/kernel-tree';
import { confined, errnoWords, FileReadError, kindOf, readConfined } from './files';
import { cleanEnv, gitCommand, runAsync, runSync } from './git';
import { treePairs } from './tree-pairs';
import { catFileBatch, CatFileError, isBatchName, type ObjectAnswer } from './git-objects';
import { SearchCache } from './search-cache';
/** A directory that looks like a Linux tree: what the editor's default requires. */
export function looksLikeKernelTree(dir: string): boolean {
  try {
    return (
      ['MAINTAINERS', 'Kconfig'].every((f) => fs.statSync(path.join(dir, f)).isFile()) &&
      ['mm', 'arch'].every((d) => fs.statSync(path.join(dir, d)).isDirectory())
    );
  } catch {
    return false;
  }
}

const SOURCES = ['*.c', '*.h'];

/** The largest source file read (the biggest generated register headers are a few MiB). */
export const MAX_TREE_FILE_BYTES = 32 << 20;
/** A ref file holds one line; packed-refs one line per ref. */
const MAX_REF_BYTES = 4096;
const MAX_PACKED_REFS_BYTES = 64 << 20;

export interface SearchStats {
  searches: number;
  ms: number;
}

export class DiskKernelTree implements KernelTree {
  readonly root: string;
  /**
   * The git directory when the tree is a git checkout whose `.git` is a directory inside it and git can be
   * used on it; null when it is searched with grep (no `.git`, or git could not be used: said in problems).
   */
  private gitDir: string | null;
  private readonly problemSet = new Set<string>();
  private readonly found = new Map<string, string[]>();
  private readonly running = new Map<string, Promise<void>>();
  /**
   * Pre-images found in the git objects, by request (an object's content never changes), and requests git
   * could not answer, kept until the tree's revision changes (a fetch may bring the objects).
   */
  private readonly preImageCache = new Map<string, Omit<PreImage, 'text'> & { text: string | null; fromGit: boolean }>();
  /** Texts read, with the modification time and size they were read at: an edited file is read again. */
  private readonly texts = new Map<string, { stamp: string; text: string | null }>();
  private revisionKey: string;
  /** Bumped by forget(): a search that started before it does not store what it found. */
  private generation = 0;
  readonly stats: SearchStats = { searches: 0, ms: 0 };

  private readonly children = new Set<ChildProcess>();

  /**
   * `events`: searches run as child processes in the background, `started` when one begins and `ready`
   * when it finishes (the editor); without, they run to completion before `filesNaming` returns (the
   * command line).
   */
  /**
   * `cacheDir`: where the pairs mined from the tree's headers and the searches' results are kept between
   * runs (null: only in memory; tree-pairs.ts, search-cache.ts).
   */
  constructor(
    root: string,
    private readonly events: { started(): void; ready(): void } | null = null,
    private readonly cacheDir: string | null = null,
  ) {
    this.root = fs.realpathSync(root);
    this.gitDir = this.findGitDir();
    this.revisionKey = this.revision();
    this.searchCache = cacheDir ? new SearchCache(cacheDir, this.root) : null;
  }

  /** Searches kept on disk between runs, per revision (search-cache.ts); null without a cache directory. */
  private readonly searchCache: SearchCache | null;

  /**
   * `.git` as a real directory of the tree. A `.git` file (a worktree, a submodule) or a symlink points
   * elsewhere: the tree is then searched with grep, and the problem says why.
   */
  private findGitDir(): string | null {
    const dotGit = path.join(this.root, '.git');
    const st = fs.lstatSync(dotGit, { throwIfNoEntry: false });
    if (!st) return null;
    if (st.isDirectory()) return dotGit;
    this.problem(`its .git is ${st.isFile() ? 'a file pointing to a git directory elsewhere' : 'not a directory'}; the tree is searched without git`);
    return null;
  }

  /** What could not be used, in words (each once). */
  problems(): string[] {
    return [...this.problemSet];
  }

  private problem(text: string): void {
    this.problemSet.add(text);
  }

  /**
   * What identifies the tree's contents, cheaply (a few reads, no process): in a git checkout HEAD's
   * commit and the index file's modification time (a checkout, commit or `git add` changes it); otherwise
   * the top-level entries' modification times.
   */
  revision(): string {
    if (this.gitDir) {
      try {
        this.checkGitFiles(this.gitDir);
        return `git:${this.headCommit(this.gitDir)}:${fs.statSync(path.join(this.gitDir, 'index'), { throwIfNoEntry: false })?.mtimeMs ?? 0}`;
      } catch (e) {
        // git would fail (or block) on it too: the tree is searched with grep, and still read.
        this.problem(`its HEAD cannot be used (${e instanceof FileReadError ? e.reason : (e as Error).message}); the tree is searched without git`);
        this.gitDir = null;
      }
    }
    return (
      'walk:' +
      fs
        .readdirSync(this.root)
        .map((n) => `${n}:${fs.lstatSync(path.join(this.root, n)).mtimeMs}`)
        .join(',')
    );
  }

  /** The files every git command opens must be regular files (a FIFO would block git itself). */
  private checkGitFiles(gitDir: string): void {
    for (const name of ['config', 'index', 'packed-refs', 'commondir', 'objects/info/alternates']) {
      const st = fs.lstatSync(path.join(gitDir, name), { throwIfNoEntry: false });
      if (st && !st.isFile()) throw new Error(`.git/${name} is ${kindOf(st)}, not a regular file`);
    }
  }

  /** HEAD's commit, following a `ref:` only to a ref file inside the git directory (or packed-refs). */
  private headCommit(gitDir: string): string {
    const read = (rel: string, max: number): string | null => readConfined(gitDir, rel, max)?.toString('utf8') ?? null;
    const head = read('HEAD', MAX_REF_BYTES)?.trim();
    if (head === undefined) throw new Error('.git/HEAD is missing or leads out of the git directory');
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref: (refs\/[\w./-]+)$/.exec(head)?.[1];
    if (!ref || ref.split('/').some((part) => part === '..' || part === '.' || part === ''))
      throw new Error(`.git/HEAD names no ref inside the git directory: ${JSON.stringify(head.slice(0, 80))}`);
    if (fs.lstatSync(path.join(gitDir, ref), { throwIfNoEntry: false }) && !confined(gitDir, ref)) throw new Error(`${ref} leads out of the git directory`);
    const loose = read(ref, MAX_REF_BYTES)?.trim();
    if (loose !== undefined) {
      if (!/^[0-9a-f]{40,64}$/.test(loose)) throw new Error(`${ref} holds no commit id`);
      return loose;
    }
    const packed = read('packed-refs', MAX_PACKED_REFS_BYTES) ?? '';
    const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
    // An unborn branch (a fresh `git init`) has no commit yet.
    return /^([0-9a-f]{40,64}) /.exec(line ?? '')?.[1] ?? `unborn:${ref}`;
  }

  private mined: { content: string; pairs: MinedPairs } | null = null;

  /**
   * The pairs of the tree's own headers, mined once per content: HEAD's commit in a git checkout (what is
   * staged does not change them often enough to mine again), else the top-level modification times.
   */
  minedPairs(): MinedPairs {
    const content = this.revisionKey.startsWith('git:') ? this.revisionKey.replace(/:[^:]*$/, '') : this.revisionKey;
    if (this.mined?.content !== content) this.mined = { content, pairs: treePairs(this.root, content, this.cacheDir) };
    return this.mined.pairs;
  }

  /** Forgets what was found when the tree changed since (cheap to call before each analysis). */
  refresh(): void {
    const now = this.revision();
    if (now === this.revisionKey) return;
    this.revisionKey = now;
    this.forget();
  }

  /**
   * Forgets every search and text: what a revision does not show changed (a file edited in place, which
   * neither HEAD nor the top-level modification times tell). The editor calls it when it sees a C file of
   * the tree change.
   */
  forget(): void {
    this.generation++;
    this.found.clear();
    this.searchCache?.clear();
    this.texts.clear();
    for (const [key, p] of this.preImageCache) if (!p.fromGit) this.preImageCache.delete(key);
  }

  /**
   * Each file as its patch was made against it: the blob the `index` line names, else the file at the
   * `base-commit:`, both from the git objects (one `git cat-file --batch` per round, HEAD and the working
   * tree do not matter), else the working file. What was passed over, and why, goes with each answer.
   */
  preImages(wanted: readonly PreImageRequest[]): Map<string, PreImage> {
    const out = new Map<string, PreImage>();
    const keyOf = (w: PreImageRequest): string => `${w.path}\0${w.index ?? ''}\0${w.baseCommit ?? ''}`;
    const open: { want: PreImageRequest; passedOver: string[] }[] = [];
    for (const want of wanted) {
      const known = this.preImageCache.get(keyOf(want));
      if (known?.fromGit) out.set(want.path, known);
      else open.push({ want, passedOver: known?.passedOver.slice() ?? [] });
    }
    const asked = open.filter((o) => !this.preImageCache.has(keyOf(o.want)));
    if (asked.length && !this.gitDir) for (const o of asked) o.passedOver.push('the tree is not read through git, so its git objects are not used');
    if (asked.length && this.gitDir) {
      try {
        this.fromGitObjects(asked, out);
      } catch (e) {
        if (!(e instanceof CatFileError)) throw e;
        this.problem(`${e.message}; the series' files are read from the working tree`);
      }
    }
    for (const o of open) {
      if (out.has(o.want.path)) {
        this.preImageCache.set(keyOf(o.want), { ...out.get(o.want.path)!, fromGit: true });
        continue;
      }
      this.preImageCache.set(keyOf(o.want), { text: null, source: 'working-file', blob: null, passedOver: o.passedOver, fromGit: false });
      out.set(o.want.path, { text: this.read(o.want.path), source: 'working-file', blob: null, passedOver: o.passedOver });
    }
    return out;
  }

  /** The rounds of the lookup: index blobs, then files at their base commit. */
  private fromGitObjects(asked: { want: PreImageRequest; passedOver: string[] }[], out: Map<string, PreImage>): void {
    const ask = (names: string[], disambiguate: 'blob' | 'commit'): ObjectAnswer[] =>
      catFileBatch(this.root, this.gitDir!, names, { disambiguate, maxObjectBytes: MAX_TREE_FILE_BYTES, timeoutMs: 30_000 });
    const byIndex = asked.filter((o) => o.want.index && /^[0-9a-f]{4,64}$/.test(o.want.index));
    const blobs = ask(
      byIndex.map((o) => o.want.index!),
      'blob',
    );
    byIndex.forEach((o, i) => {
      const a = blobs[i];
      const index = o.want.index!;
      if (a.kind === 'found' && a.type === 'blob' && a.oid.startsWith(index) && a.bytes) {
        out.set(o.want.path, { text: a.bytes.toString('utf8'), source: 'index-blob', blob: a.oid, passedOver: o.passedOver });
      } else
        o.passedOver.push(
          a.kind === 'ambiguous'
            ? `the index line's blob ${index} could be more than one object`
            : a.kind === 'found' && !a.bytes
              ? `the index line's blob ${index} is over the ${formatSize(MAX_TREE_FILE_BYTES)} read from a tree`
              : `the index line's blob ${index} is not in the tree's git objects`,
        );
    });
    const byCommit = asked.filter((o) => {
      const commit = o.want.baseCommit;
      if (out.has(o.want.path) || !commit || !/^[0-9a-f]{7,64}$/.test(commit)) return false;
      if (isBatchName(`${commit}:${o.want.path}`)) return true;
      o.passedOver.push(`its path cannot be looked up at base-commit ${commit.slice(0, 12)}`);
      return false;
    });
    if (!byCommit.length) return;
    // The commit itself too, to tell a commit git lacks from a file the commit lacks.
    const commits = [...new Set(byCommit.map((o) => o.want.baseCommit!))];
    const answers = ask([...commits.map((c) => `${c}^{commit}`), ...byCommit.map((o) => `${o.want.baseCommit}:${o.want.path}`)], 'commit');
    const hasCommit = new Map(commits.map((c, i) => [c, answers[i].kind === 'found']));
    byCommit.forEach((o, i) => {
      const a = answers[commits.length + i];
      const commit = o.want.baseCommit!;
      const short = commit.slice(0, 12);
      if (a.kind === 'found' && a.type === 'blob' && a.bytes) {
        out.set(o.want.path, { text: a.bytes.toString('utf8'), source: 'base-commit', blob: a.oid, passedOver: o.passedOver });
      } else
        o.passedOver.push(
          !hasCommit.get(commit)
            ? `base-commit ${short} is not in the tree's git objects (fetch it to read the series against its base)`
            : a.kind === 'found' && !a.bytes
              ? `${o.want.path} at base-commit ${short} is over the ${formatSize(MAX_TREE_FILE_BYTES)} read from a tree`
              : `base-commit ${short} has no ${o.want.path}`,
        );
    });
  }

  filesNaming(names: readonly string[]): string[] | null {
    const key = [...names].sort().join('\u0000');
    const known = this.found.get(key);
    if (known) return known;
    const kept = this.searchCache?.get(this.revisionKey, key);
    if (kept) {
      const files = kept.filter((p) => this.inside(p) !== null);
      this.found.set(key, files);
      return files;
    }
    if (!this.events) {
      const t0 = performance.now();
      const cmd = this.searchCommand(names);
      const r = runSync(cmd.file, cmd.args, this.root, cmd.env);
      this.stats.searches++;
      this.stats.ms += performance.now() - t0;
      const failed = this.searchFailure(r.status, r.signal, r.error, r.stderr);
      if (failed && this.gitDir) return this.withoutGit(failed, () => this.filesNaming(names));
      if (failed) this.problem(failed);
      const files = this.paths(r.stdout ?? '');
      this.found.set(key, files);
      if (!failed) this.searchCache?.put(this.revisionKey, key, files);
      return files;
    }
    if (!this.running.has(key)) {
      this.running.set(key, this.searchInBackground(key, names));
      this.events.started();
    }
    return null;
  }

  /** Searches under way. */
  get searching(): number {
    return this.running.size;
  }

  /** Stops the searches under way (the documents that wanted them were closed). */
  cancel(): void {
    for (const child of this.children) {
      this.cancelled.add(child);
      child.kill();
    }
  }

  /** Waits for the searches under way (tests, benchmarks). */
  async settled(): Promise<void> {
    await Promise.all(this.running.values());
  }

  private searchInBackground(key: string, names: readonly string[]): Promise<void> {
    const t0 = performance.now();
    const generation = this.generation;
    return new Promise((resolve) => {
      const cmd = this.searchCommand(names);
      const child = runAsync(cmd.file, cmd.args, this.root, cmd.env);
      this.children.add(child);
      const chunks: Buffer[] = [];
      let size = 0;
      child.stdout!.on('data', (c: Buffer) => {
        size += c.length;
        if (size > 256 << 20) child.kill('SIGKILL');
        else chunks.push(c);
      });
      child.on('close', (code, signal) => {
        this.children.delete(child);
        this.running.delete(key);
        resolve();
        // A cancelled search leaves nothing behind: the next check starts it again.
        if (signal && this.cancelled.delete(child)) return;
        this.stats.searches++;
        this.stats.ms += performance.now() - t0;
        const failed = this.searchFailure(code, signal, undefined, '');
        if (failed && this.gitDir) {
          this.withoutGit(failed, () => null);
          return this.events?.ready();
        }
        if (failed) this.problem(failed);
        // Found in a tree that has changed since: the next check searches again.
        if (generation === this.generation) {
          const files = this.paths(Buffer.concat(chunks).toString('utf8'));
          this.found.set(key, files);
          if (!failed) this.searchCache?.put(this.revisionKey, key, files);
        }
        this.events?.ready();
      });
      child.on('error', (e) => {
        this.problem(`it could not be searched (${errnoWords(e)})`);
        this.found.set(key, []);
        this.running.delete(key);
        resolve();
      });
    });
  }

  private readonly cancelled = new WeakSet<ChildProcess>();

  /** git failed on this tree: it is searched with grep from now on (the next check asks again). */
  private withoutGit<T>(failure: string, retry: () => T): T {
    this.problem(`${failure.replace(/; the search may be incomplete$/, '')}; the tree is searched without git`);
    this.gitDir = null;
    return retry();
  }

  /** git grep and grep exit 1 when nothing matches; anything else is a search that did not finish. */
  private searchFailure(code: number | null, signal: NodeJS.Signals | null, error: Error | undefined, stderr: string | null): string | null {
    const tool = this.gitDir ? 'git grep' : 'grep';
    if (error) return `${tool} could not run (${errnoWords(error)}); functions it would have found are not checked`;
    if (signal) return `${tool} was stopped (${signal === 'SIGKILL' ? 'time or output limit' : signal}); the search may be incomplete`;
    if (code !== 0 && code !== 1)
      return `${tool} failed (exit ${code}${stderr?.trim() ? `: ${stderr.trim().split('\n')[0].slice(0, 160)}` : ''}); the search may be incomplete`;
    return null;
  }

  /** git grep in a git checkout, with git.ts's protections; otherwise GNU grep, skipping devices and FIFOs. */
  private searchCommand(names: readonly string[]): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
    const patterns = names.flatMap((n) => ['-e', n]);
    if (this.gitDir) return gitCommand(this.root, this.gitDir, ['grep', '-l', '-w', '-F', '--no-color', '--no-textconv', '-I', ...patterns, '--', ...SOURCES]);
    return { file: 'grep', args: ['-r', '-l', '-w', '-F', '-I', '-D', 'skip', ...SOURCES.map((s) => `--include=${s}`), ...patterns, '.'], env: cleanEnv() };
  }

  private paths(out: string): string[] {
    return out
      .split('\n')
      .filter(Boolean)
      .map((p) => p.replace(/^\.\//, ''))
      .filter((p) => this.inside(p) !== null)
      .sort();
  }

  /** The absolute path of `rel` when it stays inside the tree (symlinks resolved), else null. */
  private inside(rel: string): string | null {
    return confined(this.root, rel);
  }

  read(rel: string): string | null {
    const abs = this.inside(rel);
    if (!abs) return null;
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    if (!st?.isFile()) return null;
    const stamp = `${st.mtimeMs}:${st.size}`;
    const known = this.texts.get(rel);
    if (known?.stamp === stamp) return known.text;
    let text: string | null;
    try {
      text = readConfined(this.root, rel, MAX_TREE_FILE_BYTES)?.toString('utf8') ?? null;
    } catch (e) {
      if (e instanceof FileReadError && e.code === 'TOOBIG')
        this.problem(`${rel} is ${formatSize(st.size)}, over the ${formatSize(MAX_TREE_FILE_BYTES)} read from a tree; it is not read`);
      text = null;
    }
    this.texts.set(rel, { stamp, text });
    return text;
  }
}
